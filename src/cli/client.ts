/**
 * The SWF client of the operator commands: `--endpoint` (or OPENSWF_ENDPOINT, default
 * http://127.0.0.1:7300), signed with the standard AWS credential chain (environment
 * variables, shared config and credentials files with `--profile` or AWS_PROFILE, SSO,
 * credential_process, container and instance roles).
 *
 * A server without `--auth` accepts any signature; so that the commands work against one on a
 * machine with no AWS credentials at all, placeholder keys are used when the chain finds none
 * and no profile was asked for. A server with auth on then answers UnrecognizedClientException.
 */
import { SWFClient } from '@aws-sdk/client-swf';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Command } from 'commander';
import { UsageError } from './errors.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7300';

export interface ConnectionOptions {
  endpoint?: string;
  region?: string;
  profile?: string;
}

/** Adds --endpoint, --region and --profile to a command that calls the API. */
export function withConnection(command: Command): Command {
  return command
    .option('--endpoint <url>', `the OpenSWF server (env OPENSWF_ENDPOINT, default ${DEFAULT_ENDPOINT})`)
    .option('--region <region>', 'the region to sign for (env AWS_REGION, default us-east-1)')
    .option('--profile <name>', 'the AWS profile whose credentials sign the calls (env AWS_PROFILE)');
}

export function endpointOf(options: ConnectionOptions): string {
  const endpoint = options.endpoint ?? process.env.OPENSWF_ENDPOINT ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint ${endpoint} is not a URL (e.g. ${DEFAULT_ENDPOINT})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint ${endpoint} must be an http:// or https:// URL`);
  return endpoint.replace(/\/+$/, '');
}

export function swfClient(options: ConnectionOptions): SWFClient {
  // The SDK warns on every run under Node 20 about its own future releases; an operator
  // reading a table can do nothing about it (the package pins a client that runs on 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const chain = defaultProvider(options.profile !== undefined ? { profile: options.profile } : {});
  const placeholder = { accessKeyId: 'openswf-cli', secretAccessKey: 'openswf-cli' };
  return new SWFClient({
    endpoint: endpointOf(options),
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: async () => {
      try {
        return await chain();
      } catch (err) {
        if (options.profile !== undefined || process.env.AWS_PROFILE !== undefined) throw err;
        return placeholder;
      }
    },
    // An operator wants the answer or the reason now, not after three quiet retries.
    maxAttempts: 1,
  });
}
