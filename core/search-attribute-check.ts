import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from './config';
import { ConfigError } from './errors';
import { SEARCH_ATTRIBUTES } from './search-attributes';

/**
 * The workflows upsert typed search attributes, and a workflow task that sets an unregistered one
 * fails, so they are checked when a process connects. A dev server gets them registered (as
 * `stack up` does with --search-attribute); on any other server changing the schema is the
 * operator's call, so start-up stops with the exact commands to run.
 */

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
const TYPES = { Keyword: KEYWORD } as const;

type Wanted = Array<{ name: string; type: keyof typeof TYPES }>;

/** The commands that register the missing attributes (flags for TLS or an API key go with them). */
export function searchAttributeCommands(config: Config, missing: Wanted): string[] {
  return missing.map(
    ({ name, type }) =>
      `temporal operator search-attribute create --name ${name} --type ${type} --namespace ${config.temporal.namespace} --address ${config.temporal.address}`,
  );
}

export class MissingSearchAttributesError extends ConfigError {
  constructor(
    config: Config,
    readonly missing: Wanted,
    wrongType: string[],
  ) {
    const security = config.temporal.apiKey
      ? ' --tls --api-key <TEMPORAL_API_KEY>'
      : config.temporal.tls?.clientCert
        ? ' --tls-cert-path <cert> --tls-key-path <key>' + (config.temporal.tls.ca ? ' --tls-ca-path <ca>' : '')
        : config.temporal.tls
          ? ' --tls'
          : '';
    super([
      `the Temporal namespace '${config.temporal.namespace}' at ${config.temporal.address} lacks the search attributes the workflows set: ${missing.map((m) => m.name).join(', ')}`,
      ...wrongType.map((name) => `search attribute ${name} exists with another type than Keyword; remove it or use another namespace`),
      `register them (once per namespace) with:${missing.length ? '' : ' (none missing)'}`,
      ...searchAttributeCommands(config, missing).map((command) => `${command}${security}`),
      'on Temporal Cloud: tcld namespace search-attributes add, or the Cloud UI',
    ]);
  }
}

export async function checkSearchAttributes(connection: Connection, config: Config, wanted: Wanted = SEARCH_ATTRIBUTES): Promise<void> {
  const namespace = config.temporal.namespace;
  let listed: temporal.api.operatorservice.v1.IListSearchAttributesResponse;
  try {
    listed = await connection.operatorService.listSearchAttributes({ namespace });
  } catch (err) {
    // A server that does not serve the operator API to this caller (UNIMPLEMENTED, PERMISSION_DENIED) cannot be checked; the workflows report it then.
    if ([7, 12].includes((err as { code?: number }).code ?? -1)) return;
    throw err;
  }
  const known = { ...listed.systemAttributes, ...listed.customAttributes } as Record<string, number>;
  const missing = wanted.filter(({ name }) => known[name] === undefined);
  const wrongType = wanted.filter(({ name, type }) => known[name] !== undefined && known[name] !== TYPES[type]).map((w) => w.name);
  if (missing.length === 0 && wrongType.length === 0) return;
  if (config.temporal.devServer && wrongType.length === 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(({ name, type }) => [name, TYPES[type]])),
    });
    return;
  }
  throw new MissingSearchAttributesError(config, missing, wrongType);
}
