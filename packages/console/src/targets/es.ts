import {
  DescribeDomainCommand,
  DescribeDomainsCommand,
  ListDomainNamesCommand,
  OpenSearchClient,
  ResourceNotFoundException as DomainNotFound,
  type DomainStatus,
} from '@aws-sdk/client-opensearch';
import { TARGET_TYPES, type TargetConfig } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { arnIn, hostOf } from './grants.js';
import type { ConsoleTargetType, GrantStatement } from './types.js';

const DOMAIN_NAME = /^[a-z][a-z0-9-]{2,27}$/;
/** An OpenSearch endpoint rather than a domain name: a URL, or a host name with dots or a port. */
const ENDPOINT = /[.:]/;
const AWS_SEARCH_DOMAIN_HOST = /^(?:search|vpc)-([a-z][a-z0-9-]*)-[a-z0-9]+\.([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?$/;
/** An OpenSearch Serverless collection's endpoint: COLLECTION_ID.REGION.aoss.amazonaws.com. */
const SERVERLESS_COLLECTION_HOST = /^([a-z0-9]+)\.([a-z0-9-]+)\.aoss\.amazonaws\.com(?:\.cn)?$/;
/** AWS's DescribeDomains takes at most 5 domain names a call (its API model states no maximum, and moto enforces none). */
const DESCRIBE_DOMAINS_MAX_NAMES = 5;

const POST_TO_DOMAINS: GrantStatement = { sid: 'PostToOpenSearchDomains', actions: ['es:ESHttpPost'] };
// the collection's data access policy must also let the role write to the index: IAM alone is not enough
const USE_COLLECTIONS: GrantStatement = { sid: 'UseOpenSearchCollections', actions: ['aoss:APIAccessAll'] };

/** The host of an es target's endpoint (`https://ENDPOINT#INDEX`). */
function esHost(destination: string): string {
  return hostOf(destination.slice(0, destination.indexOf('#')));
}

/** Every host a domain answers on: its endpoint, its VPC and dual-stack endpoints, and its custom endpoint when enabled. */
function domainHosts(status: DomainStatus): string[] {
  const { CustomEndpoint, CustomEndpointEnabled } = status.DomainEndpointOptions ?? {};
  return [status.Endpoint, status.EndpointV2, ...Object.values(status.Endpoints ?? {}), CustomEndpointEnabled ? CustomEndpoint : undefined]
    .filter((endpoint): endpoint is string => Boolean(endpoint))
    .map(hostOf);
}

/** The domains of one region that answer on some of these hosts: host -> `ARN/*`. */
async function domainsOfRegion(context: AwsContext, region: string, hosts: ReadonlySet<string>): Promise<Map<string, string>> {
  const opensearch = context.aws.client(OpenSearchClient, { region });
  // a console user who may not list domains still registers and hooks: those targets get no grant, as a self-managed node's
  const listed = await opensearch.send(new ListDomainNamesCommand({})).catch((error: unknown) => {
    if ((error as Error).name === 'AccessDeniedException') return { DomainNames: [] };
    throw error;
  });
  const { DomainNames } = listed;
  const names = (DomainNames ?? []).flatMap(({ DomainName }) => (DomainName ? [DomainName] : []));
  const found = new Map<string, string>();
  for (let start = 0; start < names.length && found.size < hosts.size; start += DESCRIBE_DOMAINS_MAX_NAMES) {
    const { DomainStatusList } = await opensearch.send(new DescribeDomainsCommand({ DomainNames: names.slice(start, start + DESCRIBE_DOMAINS_MAX_NAMES) }));
    for (const status of DomainStatusList ?? []) {
      for (const host of domainHosts(status)) if (hosts.has(host) && status.ARN) found.set(host, `${status.ARN}/*`);
    }
  }
  return found;
}

/**
 * The domains behind the targets whose host does not name its domain, looked up in each target's
 * region (else the function's), once per region, and only when some target needs it.
 */
async function domainsByHost(context: AwsContext, targets: readonly TargetConfig[], functionRegion: string): Promise<ReadonlyMap<string, string>> {
  const hostsByRegion = new Map<string, Set<string>>();
  for (const target of targets) {
    const host = esHost(target.destination);
    if (AWS_SEARCH_DOMAIN_HOST.test(host) || SERVERLESS_COLLECTION_HOST.test(host)) continue;
    const region = target.region ?? functionRegion;
    hostsByRegion.set(region, (hostsByRegion.get(region) ?? new Set()).add(host));
  }
  const found = await Promise.all([...hostsByRegion].map(([region, hosts]) => domainsOfRegion(context, region, hosts)));
  return new Map(found.flatMap((domains) => [...domains]));
}

/** OpenSearch: the index goes beside the destination (--index), or after # in it. */
export const esTarget: ConsoleTargetType<true> = {
  title: 'OpenSearch',
  destinationHelp: 'an OpenSearch domain name or https:// endpoint, with --index',
  destinationPart: { name: 'index', apart: true },
  async resolve(lookup) {
    const { destination, index } = lookup;
    if (destination.includes('#')) {
      if (index !== undefined) throw new UsageError('--index: the destination already names its index after #; drop --index or the #INDEX');
      return destination;
    }
    if (index === undefined) throw new UsageError('--index: required for es targets; name the OpenSearch index to write to');
    if (ENDPOINT.test(destination)) return `${destination}#${index}`;
    if (!DOMAIN_NAME.test(destination)) {
      throw new UsageError(`--destination: "${destination}" is neither an OpenSearch domain name nor an endpoint; expected a domain name, or ${TARGET_TYPES.es.destinationFormat}`);
    }
    const scope = lookup.scope();
    const opensearch = lookup.aws.client(OpenSearchClient, scope);
    const { DomainStatus } = await lookup.require(opensearch.send(new DescribeDomainCommand({ DomainName: destination })), DomainNotFound, {
      resource: `OpenSearch domain named "${destination}"`,
      scope,
      fix: 'create it or pass its endpoint URL',
    });
    const endpoint = DomainStatus!.Endpoint ?? DomainStatus!.Endpoints?.vpc;
    if (!endpoint) throw new UsageError(`--destination: OpenSearch domain "${destination}" has no endpoint yet; wait until it is created, or pass its endpoint URL`);
    return `https://${endpoint}#${index}`;
  },
  /** Domain names: registerTarget needs the index beside one. ListDomainNames answers every domain at once. */
  async discover(aws, scope) {
    const { DomainNames } = await aws.client(OpenSearchClient, scope).send(new ListDomainNamesCommand({}));
    return (DomainNames ?? []).map(({ DomainName }) => ({ label: DomainName!, value: DomainName! }));
  },
  grant: {
    statements: [POST_TO_DOMAINS, USE_COLLECTIONS],
    grantOf({ destination }, place) {
      const host = esHost(destination);
      const collection = SERVERLESS_COLLECTION_HOST.exec(host);
      if (collection) return { statement: USE_COLLECTIONS, resource: arnIn(place, 'aoss', `collection/${collection[1]}`, collection[2]) };
      const domain = AWS_SEARCH_DOMAIN_HOST.exec(host);
      if (domain) return { statement: POST_TO_DOMAINS, resource: arnIn(place, 'es', `domain/${domain[1]}/*`, domain[2]) };
      // any other host is granted only as the endpoint of a domain found; an OpenSearch outside the
      // service (self-managed) checks no IAM signature, so it needs no grant and gets none
      const resource = place.found.get(host);
      return resource ? { statement: POST_TO_DOMAINS, resource } : undefined;
    },
    lookUp: domainsByHost,
  },
};
