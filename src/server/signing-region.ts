/**
 * The region a request was signed for, read from its SigV4 Authorization header:
 * `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`.
 * This only reads the scope; whether the signature is valid is authentication's concern.
 *
 * Only a name shaped like an AWS region counts (us-east-1, us-gov-west-1, cn-north-1, ...).
 * boto 2 guesses the region from the endpoint's host name, so pointed at `127.0.0.1` it signs
 * for region "0" (and service "127"); such a scope names no region, and the server's own
 * region serves instead.
 */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function signingRegion(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/.exec(authorization);
  const region = match?.[1];
  return region !== undefined && REGION.test(region) ? region : undefined;
}
