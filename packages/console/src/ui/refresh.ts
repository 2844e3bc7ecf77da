/** How often the app reads the open source's targets again, unless `ui --refresh` says otherwise. */
export const DEFAULT_REFRESH_SECONDS = 5;
