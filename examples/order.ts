/**
 * The reference's order workflow: charge the payment, then send a confirmation.
 *
 * @module
 */

import { activity, step, Workflow, workflow, type WorkflowContext } from "../engine/mod.ts";

/** Input of {@linkcode OrderWorkflow}. */
export interface OrderInput {
  /** Order id. */
  orderId: string;
  /** Where the confirmation goes. */
  customerEmail: string;
}

/** State (and result) of {@linkcode OrderWorkflow}. */
export interface OrderState {
  /** The payment went through. */
  paymentConfirmed: boolean;
  /** The confirmation was sent. */
  emailSent: boolean;
}

/** Charges an order (a stand-in for a payment API). */
export const processPayment = activity(
  { name: "process_payment", retryCount: 3, timeoutSeconds: 30 },
  async (orderId: string): Promise<boolean> => {
    await new Promise((r) => setTimeout(r, 20));
    return orderId.length > 0;
  },
);

/** Sends the confirmation email (a stand-in for a mail service). */
export const sendConfirmationEmail = activity(
  { name: "send_email", retryCount: 2 },
  async (email: string, orderId: string): Promise<string> => {
    await new Promise((r) => setTimeout(r, 20));
    return `sent confirmation of ${orderId} to ${email}`;
  },
);

/** Charges an order, then confirms it by email. */
@workflow({ name: "OrderProcessing", version: "1.0.0", description: "Charge and confirm an order" })
export class OrderWorkflow extends Workflow<OrderInput, OrderState> {
  /** Charges the payment. */
  @step({ name: "process_payment" })
  async payment(ctx: WorkflowContext<OrderInput, OrderState>): Promise<void> {
    const ok = await ctx.activity(processPayment, ctx.input.orderId);
    await ctx.state.set("paymentConfirmed", ok);
    ctx.logger.info(`Payment processed: ${ok}`);
  }

  /** Sends the confirmation. */
  @step({ name: "send_confirmation" })
  async notify(ctx: WorkflowContext<OrderInput, OrderState>): Promise<void> {
    if (!ctx.state.get("paymentConfirmed")) return;
    const receipt = await ctx.activity(
      sendConfirmationEmail,
      ctx.input.customerEmail,
      ctx.input.orderId,
    );
    await ctx.state.set("emailSent", true);
    ctx.logger.info(receipt);
  }
}
