// Who receives a billing profile's invoices by email, as Azure holds it, and changing it. Every
// rule (which scopes have these settings, valid addresses, opting out unsubscribes everyone,
// someone else's change is kept) is the shell's; this keeps what it answered per scope.
import { SvelteSet } from "svelte/reactivity";
import { commands, toAppError, type AppError, type EmailChange, type EmailFailure, type InvoiceEmail, type SubscriptionEmail } from "./ipc";

export class EmailState {
  /** Per scope id: what Azure holds, once read. */
  settings = $state.raw<Record<string, InvoiceEmail>>({});
  /** Per pay-as-you-go scope id: what Azure shows of its invoice email. */
  subscriptions = $state.raw<Record<string, SubscriptionEmail>>({});
  /**
   * Why settings could not be read or changed, with the last change's error: by scope id for a
   * billing profile, by `subscriptionKey` for a pay-as-you-go subscription.
   */
  errors = $state.raw<Record<string, AppError>>({});
  /** Settings being read, by the same keys. */
  readonly loading = new SvelteSet<string>();
  /** Changes Azure is applying, by the same keys. */
  readonly saving = new SvelteSet<string>();

  /** The key of a pay-as-you-go subscription's reads, changes and errors. */
  subscriptionKey(scopeId: string): string {
    return `subscription|${scopeId}`;
  }

  async load(scopeId: string): Promise<void> {
    if (this.loading.has(scopeId)) return;
    this.loading.add(scopeId);
    try {
      const result = await commands.billingProfileEmail(scopeId);
      if (result.status === "ok") this.#show(scopeId, result.data, null);
      else this.#fail(scopeId, result.error);
    } catch (error) {
      this.#fail(scopeId, toAppError(error));
    } finally {
      this.loading.delete(scopeId);
    }
  }

  /** Asks Azure for `change`; afterwards shows what Azure holds, with the error if it failed. */
  async change(scopeId: string, change: EmailChange): Promise<boolean> {
    if (this.saving.has(scopeId)) return false;
    this.saving.add(scopeId);
    this.#forgetError(scopeId);
    try {
      const result = await commands.changeBillingProfileEmail(scopeId, change);
      if (result.status === "ok") {
        this.#show(scopeId, result.data, null);
        return true;
      }
      await this.#failed(scopeId, result.error);
      return false;
    } catch (error) {
      await this.#failed(scopeId, { error: toAppError(error), now: null, nowSubscription: null });
      return false;
    } finally {
      this.saving.delete(scopeId);
    }
  }

  async loadSubscription(scopeId: string): Promise<void> {
    const key = this.subscriptionKey(scopeId);
    if (this.loading.has(key)) return;
    this.loading.add(key);
    try {
      const result = await commands.subscriptionInvoiceEmail(scopeId);
      if (result.status === "ok") {
        this.subscriptions = { ...this.subscriptions, [scopeId]: result.data };
        this.#forgetError(key);
      } else this.#fail(key, result.error);
    } catch (error) {
      this.#fail(key, toAppError(error));
    } finally {
      this.loading.delete(key);
    }
  }

  /** Sets a pay-as-you-go account's notification address; shows what Azure holds afterwards. */
  async changeNotification(scopeId: string, address: string): Promise<boolean> {
    const key = this.subscriptionKey(scopeId);
    if (this.saving.has(key)) return false;
    this.saving.add(key);
    this.#forgetError(key);
    try {
      const result = await commands.changeSubscriptionNotificationEmail(scopeId, address);
      if (result.status === "ok") {
        this.subscriptions = { ...this.subscriptions, [scopeId]: result.data };
        return true;
      }
      const now = result.error.nowSubscription;
      if (now) this.subscriptions = { ...this.subscriptions, [scopeId]: now };
      else await this.loadSubscription(scopeId);
      this.#fail(key, result.error.error);
      return false;
    } catch (error) {
      this.#fail(key, toAppError(error));
      return false;
    } finally {
      this.saving.delete(key);
    }
  }

  /** A failed change: its error, and Azure's state as read after it (read again when missing). */
  async #failed(scopeId: string, failure: EmailFailure): Promise<void> {
    if (failure.now) this.#show(scopeId, failure.now, failure.error);
    else {
      await this.load(scopeId);
      this.#fail(scopeId, failure.error);
    }
  }

  #show(scopeId: string, settings: InvoiceEmail, error: AppError | null): void {
    this.settings = { ...this.settings, [scopeId]: settings };
    if (error) this.errors = { ...this.errors, [scopeId]: error };
    else this.#forgetError(scopeId);
  }

  #fail(scopeId: string, error: AppError): void {
    this.errors = { ...this.errors, [scopeId]: error };
  }

  #forgetError(scopeId: string): void {
    if (!(scopeId in this.errors)) return;
    this.errors = Object.fromEntries(Object.entries(this.errors).filter(([id]) => id !== scopeId));
  }
}

export const email = new EmailState();
