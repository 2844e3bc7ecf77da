/** A loopback port nothing listens on (the kernel's pick, released), for a server that is down. */
export { freePort as closedPort } from '@fanout/testbed';
