/**
 * What a chat platform says about one delivery, in the outbox worker's terms. Notifiers translate their
 * platform's errors (grammY's GrammyError/HttpError, botbuilder's status codes) into these.
 */
export type DeliveryFailure =
  | { readonly kind: 'retry-after'; readonly retryAfterMs: number } // 429: wait exactly that long, this chat only
  | { readonly kind: 'transient'; readonly reason: string } // 5xx, network, timeout: back off and retry
  | { readonly kind: 'permanent'; readonly reason: string } // 400 chat not found and the like: dead letter now
  | { readonly kind: 'inactive'; readonly reason: string } // 403 blocked/kicked: stop sending to this chat
  | { readonly kind: 'migrated'; readonly newChatId: string }; // group → supergroup: resend once to the new id

export class DeliveryError extends Error {
  readonly failure: DeliveryFailure;

  constructor(failure: DeliveryFailure) {
    super(describe(failure));
    this.name = 'DeliveryError';
    this.failure = failure;
  }
}

function describe(failure: DeliveryFailure): string {
  switch (failure.kind) {
    case 'retry-after':
      return `rate limited, retry after ${failure.retryAfterMs} ms`;
    case 'migrated':
      return `chat migrated to ${failure.newChatId}`;
    default:
      return `${failure.kind}: ${failure.reason}`;
  }
}

export function isDeliveryError(error: unknown): error is DeliveryError {
  return error instanceof DeliveryError;
}
