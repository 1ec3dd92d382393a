// One store for the orders of every flow (Pix DICT today; QR, Peru and
// Colombia later). A flow creates orders; the shared pay and status routes
// move and read them without knowing which flow made them.

export type OrderStatus =
  | "WAITING_AMOUNT"
  | "CREATED"
  | "PROCESSING"
  | "COMPLETED"
  | "CANCELED"
  | "REFUNDED"
  | "PARTIALLY_REFUNDED"
  | "REJECTED"
  | "FAILED";

export type PaymentType = "DICT_KEY";

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

export interface StatusChange {
  readonly status: OrderStatus;
  readonly at: Date;
}

export interface Order {
  readonly id: string;
  readonly paymentType: PaymentType;
  readonly externalReference: string;
  /** Decimal strings, never floats. */
  readonly localAmount: string;
  readonly localCurrency: string;
  readonly userAmount: string;
  readonly userCurrency: string;
  readonly merchant: Merchant;
  /** How a payment of this order ends once accepted (chosen by the flow, e.g. from a test key). */
  readonly plannedOutcome: PaymentOutcome;
  readonly previewNotificationUrl: string;
  readonly paymentNotificationUrl: string | null;
  readonly status: OrderStatus;
  readonly errorCode: string | null;
  readonly paymentDate: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly history: readonly StatusChange[];
}

export type NewOrder = Omit<
  Order,
  "status" | "errorCode" | "paymentDate" | "createdAt" | "updatedAt" | "history" | "paymentNotificationUrl"
> & { readonly status: "CREATED" | "WAITING_AMOUNT" };

export interface TransitionChanges {
  readonly errorCode?: string | null;
  readonly paymentDate?: Date | null;
  readonly paymentNotificationUrl?: string;
}

export type TransitionResult =
  | { readonly kind: "moved"; readonly order: Order }
  | { readonly kind: "not_found" }
  | { readonly kind: "not_allowed"; readonly from: OrderStatus };

const ALLOWED: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  WAITING_AMOUNT: ["CREATED", "CANCELED"],
  CREATED: ["PROCESSING", "CANCELED"],
  PROCESSING: ["COMPLETED", "REJECTED", "FAILED"],
  COMPLETED: ["REFUNDED", "PARTIALLY_REFUNDED"],
  PARTIALLY_REFUNDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  CANCELED: [],
  REFUNDED: [],
  REJECTED: [],
  FAILED: [],
};

export class OrderStore {
  readonly #orders = new Map<string, Order>();
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  create(input: NewOrder): Order {
    if (this.#orders.has(input.id)) throw new Error(`duplicate order id ${input.id}`);
    const at = this.#now();
    const order: Order = {
      ...input,
      paymentNotificationUrl: null,
      errorCode: null,
      paymentDate: null,
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
    const at = this.#now();
    const next: Order = {
      ...current,
      status: to,
      errorCode: changes.errorCode === undefined ? current.errorCode : changes.errorCode,
      paymentDate: changes.paymentDate === undefined ? current.paymentDate : changes.paymentDate,
      paymentNotificationUrl: changes.paymentNotificationUrl ?? current.paymentNotificationUrl,
      updatedAt: at,
      history: [...current.history, { status: to, at }],
    };
    this.#orders.set(id, next);
    return { kind: "moved", order: next };
  }
}
