/**
 * The one fault type of OpenSWF. Every error a client can see is an SwfFault,
 * rendered in one place (the HTTP front) as `{"__type": "<namespace>#<code>", "message"}`.
 * Unknown errors are normalised to InternalFailure at the edge.
 */

/** Faults modelled by service-2.json (namespace com.amazonaws.swf.base.model). */
export type ModelFaultName =
  | 'DefaultUndefinedFault'
  | 'DomainAlreadyExistsFault'
  | 'DomainDeprecatedFault'
  | 'LimitExceededFault'
  | 'OperationNotPermittedFault'
  | 'TooManyTagsFault'
  | 'TypeAlreadyExistsFault'
  | 'TypeDeprecatedFault'
  | 'TypeNotDeprecatedFault'
  | 'UnknownResourceFault'
  | 'WorkflowExecutionAlreadyStartedFault';

/** Faults of the AWS JSON protocol layer (Coral), shared by every AWS JSON service. */
export type ProtocolFaultName =
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure'
  | 'ThrottlingException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'AccessDeniedException'
  | 'RequestEntityTooLargeException';

export type FaultName = ModelFaultName | ProtocolFaultName;

const PROTOCOL_NAMESPACES: Record<ProtocolFaultName, string> = {
  ValidationException: 'com.amazon.coral.validate',
  SerializationException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
  InternalFailure: 'com.amazon.coral.service',
  ThrottlingException: 'com.amazon.coral.availability',
  MissingAuthenticationTokenException: 'com.amazon.coral.service',
  IncompleteSignatureException: 'com.amazon.coral.service',
  InvalidSignatureException: 'com.amazon.coral.service',
  UnrecognizedClientException: 'com.amazon.coral.service',
  AccessDeniedException: 'com.amazon.coral.service',
  RequestEntityTooLargeException: 'com.amazon.coral.service',
};

function isProtocolFault(code: FaultName): code is ProtocolFaultName {
  return Object.hasOwn(PROTOCOL_NAMESPACES, code);
}

export class SwfFault extends Error {
  override readonly name = 'SwfFault';
  constructor(
    readonly code: FaultName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The `__type` the AWS SDKs read to pick the exception class. */
  get type(): string {
    const ns = isProtocolFault(this.code) ? PROTOCOL_NAMESPACES[this.code] : 'com.amazonaws.swf.base.model';
    return `${ns}#${this.code}`;
  }

  get httpStatus(): number {
    switch (this.code) {
      case 'InternalFailure':
        return 500;
      case 'RequestEntityTooLargeException':
        return 413;
      default:
        return 400;
    }
  }

  toBody(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}
