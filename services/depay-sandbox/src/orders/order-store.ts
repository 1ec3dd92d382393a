// One store for the orders of every flow (Pix and Bre-B keys, Peru CCI and
// phone keys, QR codes). A flow creates orders; the shared pay, refund and
// status routes move and read them without knowing which flow made them.

export type OrderStatus =
  | "WAITING_AMOUNT"
  | "PROCESS_LATER"
  | "CREATED"
  | "PROCESSING"
  | "COMPLETED"
  | "CANCELED"
  | "REFUNDED"
  | "PARTIALLY_REFUNDED"
  | "REJECTED"
  | "FAILED";

export type PaymentType = "DICT_KEY" | "QR_CODE";

/** As the QR preview callback names it; null for orders that are not QR payments. */
export type QrType = "closed_amount" | "open_amount";

/** How an accepted payment ends; each flow picks it when it creates the order. */
export type PaymentOutcome =
  | { readonly status: "COMPLETED" }
  | { readonly status: "REJECTED"; readonly errorCode: string }
  | { readonly status: "FAILED"; readonly errorCode: string };

export interface Merchant {
  readonly name: string;
  readonly identificationNumber: string;
  readonly branchOffice: string;
}

/** A wallet a Peru phone key's owner can be paid into (offered in the preview, chosen by `wallet_id` in the pay request). */
export interface Wallet {
  readonly id: string;
  readonly brand: string;
  readonly mobile: string;
  readonly present: boolean;
  readonly directory: string;
  readonly participantCode: string;
}

/** in_flight counts against the refundable amount until it is done (refunded) or rejected (released). */
export type RefundState = "in_flight" | "done" | "rejected";

export interface Refund {
  readonly id: string;
  /** Decimal string in the order's local currency. */
  readonly amount: string;
  readonly state: RefundState;
  readonly requestedAt: Date;
  readonly settledAt: Date | null;
}

/** "dropped": the order completes but the sandbox sends no callback after the pay request (PIX_TEST_KEYS.silent). */
export type CallbacksAfterPay = "sent" | "dropped";

export interface StatusChange {
  readonly status: OrderStatus;
  readonly at: Date;
}

export interface Order {
  readonly id: string;
  readonly paymentType: PaymentType;
  readonly qrType: QrType | null;
  readonly externalReference: string;
  /** Decimal strings, never floats; null while the order waits for its amount. */
  readonly localAmount: string | null;
  readonly localCurrency: string;
  readonly userAmount: string | null;
  readonly userCurrency: string;
  readonly merchant: Merchant;
  /** How a payment of this order ends once accepted (chosen by the flow, e.g. from a test key). */
  readonly plannedOutcome: PaymentOutcome;
  readonly previewNotificationUrl: string;
  readonly paymentNotificationUrl: string | null;
  readonly callbacksAfterPay: CallbacksAfterPay;
  /** Peru phone keys only: the wallets offered in the preview; null for every other order. */
  readonly wallets: readonly Wallet[] | null;
  /** The wallet the pay request chose (Peru phone keys), else null. */
  readonly walletId: string | null;
  /** Every refund asked for, in the order asked. */
  readonly refunds: readonly Refund[];
  readonly status: OrderStatus;
  readonly errorCode: string | null;
  readonly paymentDate: Date | null;
  /** When the unpaid preview expires; null once it no longer can (paid, canceled). */
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly history: readonly StatusChange[];
}

export type NewOrder = Omit<
  Order,
  | "status"
  | "errorCode"
  | "paymentDate"
  | "createdAt"
  | "updatedAt"
  | "history"
  | "paymentNotificationUrl"
  | "expiresAt"
  | "callbacksAfterPay"
  | "wallets"
  | "walletId"
  | "refunds"
> & {
  readonly status: "CREATED" | "WAITING_AMOUNT" | "PROCESS_LATER";
  /** Default "sent". */
  readonly callbacksAfterPay?: CallbacksAfterPay;
  /** Default null (not a Peru phone key). */
  readonly wallets?: readonly Wallet[] | null;
};

export interface Amounts {
  readonly localAmount: string;
  readonly userAmount: string;
}

export interface TransitionChanges {
  readonly errorCode?: string | null;
  readonly paymentDate?: Date | null;
  readonly paymentNotificationUrl?: string;
  readonly walletId?: string | null;
  readonly refunds?: readonly Refund[];
  /** Only when an order waiting for its amount becomes CREATED. */
  readonly amounts?: Amounts;
  readonly expiresAt?: Date | null;
}

export type TransitionResult =
  | { readonly kind: "moved"; readonly order: Order }
  | { readonly kind: "not_found" }
  | { readonly kind: "not_allowed"; readonly from: OrderStatus };

const ALLOWED: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  WAITING_AMOUNT: ["CREATED", "CANCELED"],
  PROCESS_LATER: ["CREATED", "CANCELED"],
  CREATED: ["PROCESSING", "CANCELED"],
  PROCESSING: ["COMPLETED", "REJECTED", "FAILED"],
  COMPLETED: ["REFUNDED", "PARTIALLY_REFUNDED"],
  PARTIALLY_REFUNDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  CANCELED: [],
  REFUNDED: [],
  REJECTED: [],
  FAILED: [],
};

/** True for a status the life cycle never leaves (CANCELED, REJECTED, FAILED, REFUNDED); COMPLETED and PARTIALLY_REFUNDED may still be refunded. */
export function isFinalOrderStatus(status: OrderStatus): boolean {
  return ALLOWED[status].length === 0;
}

/** Statuses of an unpaid preview: the ones that expire. */
export const PREVIEW_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["WAITING_AMOUNT", "PROCESS_LATER", "CREATED"]);

export class OrderStore {
  readonly #orders = new Map<string, Order>();
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  create(input: NewOrder): Order {
    if (this.#orders.has(input.id)) throw new Error(`duplicate order id ${input.id}`);
    if ((input.status === "CREATED") !== (input.localAmount !== null && input.userAmount !== null)) {
      throw new Error(`order ${input.id}: a CREATED order has both amounts, one waiting for its amount has none`);
    }
    const at = this.#now();
    const order: Order = {
      ...input,
      callbacksAfterPay: input.callbacksAfterPay ?? "sent",
      wallets: input.wallets ?? null,
      walletId: null,
      refunds: [],
      paymentNotificationUrl: null,
      errorCode: null,
      paymentDate: null,
      expiresAt: null,
      createdAt: at,
      updatedAt: at,
      history: [{ status: input.status, at }],
    };
    this.#orders.set(order.id, order);
    return order;
  }

  get(id: string): Order | undefined {
    return this.#orders.get(id);
  }

  list(): Order[] {
    return [...this.#orders.values()];
  }

  /** Moves an order along the documented life cycle; anything else is refused, never forced. */
  transition(id: string, to: OrderStatus, changes: TransitionChanges = {}): TransitionResult {
    const current = this.#orders.get(id);
    if (current === undefined) return { kind: "not_found" };
    if (!ALLOWED[current.status].includes(to)) return { kind: "not_allowed", from: current.status };
    const settingAmount = current.localAmount === null && to === "CREATED";
    if (settingAmount !== (changes.amounts !== undefined)) {
      throw new Error(`order ${id}: amounts are set exactly when an order waiting for its amount becomes CREATED`);
    }
    const at = this.#now();
    const next: Order = {
      ...current,
      ...changes.amounts,
      status: to,
      errorCode: changes.errorCode === undefined ? current.errorCode : changes.errorCode,
      paymentDate: changes.paymentDate === undefined ? current.paymentDate : changes.paymentDate,
      paymentNotificationUrl: changes.paymentNotificationUrl ?? current.paymentNotificationUrl,
      walletId: changes.walletId === undefined ? current.walletId : changes.walletId,
      refunds: changes.refunds ?? current.refunds,
      expiresAt: changes.expiresAt === undefined ? current.expiresAt : changes.expiresAt,
      updatedAt: at,
      history: [...current.history, { status: to, at }],
    };
    this.#orders.set(id, next);
    return { kind: "moved", order: next };
  }

  /** Records a refund asked for or one rejected: the order's status does not change. */
  setRefunds(id: string, refunds: readonly Refund[]): Order | undefined {
    const current = this.#orders.get(id);
    if (current === undefined) return undefined;
    const next: Order = { ...current, refunds };
    this.#orders.set(id, next);
    return next;
  }

  /** Sets when an unpaid preview expires, without a status change. */
  setExpiresAt(id: string, expiresAt: Date | null): Order | undefined {
    const current = this.#orders.get(id);
    if (current === undefined) return undefined;
    const next: Order = { ...current, expiresAt };
    this.#orders.set(id, next);
    return next;
  }
}
