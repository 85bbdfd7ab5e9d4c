// The forms' common behaviour. Each submission has an Idempotency-Key, made when the form is shown
// or reset: a form sent again after no answer (a dropped connection, a double press) resends the
// same key and the server applies it once. A refusal is shown next to the field it is about, from
// the problem's `detail`; what no field explains is shown beside the button.

import { NoAnswer, Problem, type Answer } from "./api.js";
import { h } from "./dom.js";
import { newIdempotencyKey } from "./keys.js";

export interface Field {
  readonly name: string;
  readonly input: HTMLInputElement;
  readonly wrapper: HTMLElement;
  readonly error: HTMLElement;
}

export interface FieldOptions {
  readonly label: string;
  readonly type?: string;
  readonly value?: string;
  readonly inputmode?: string;
  readonly autocomplete?: string;
  readonly readonly?: boolean;
  readonly hint?: string;
  readonly list?: string;
  readonly accept?: string;
}

/** A labelled input with a place for its error; ids start with `prefix`. */
export function field(prefix: string, name: string, options: FieldOptions): Field {
  const id = `${prefix}-${name}`;
  const hint = options.hint === undefined ? null : h("p", { class: "hint", id: `${id}-hint` }, options.hint);
  const input = h("input", {
    id,
    name,
    type: options.type ?? "text",
    value: options.value,
    inputmode: options.inputmode,
    autocomplete: options.autocomplete ?? "off",
    readonly: options.readonly === true,
    list: options.list,
    accept: options.accept,
    spellcheck: options.type === undefined ? "false" : undefined,
    "aria-describedby": hint === null ? undefined : hint.id,
  });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const wrapper = h("div", { class: "field" }, h("label", { for: id }, options.label), hint, input, error);
  return { name, input, wrapper, error };
}

/** Messages by field name. */
export type Errors = Partial<Record<string, string>>;

export interface SubmissionOptions<T> {
  readonly form: HTMLFormElement;
  readonly fields: readonly Field[];
  /** Where what no field explains goes, and the outcome. */
  readonly status: HTMLElement;
  /** Errors found before sending (a required field left empty), by field name. */
  readonly check?: (values: Record<string, string>) => Errors | Promise<Errors>;
  readonly send: (values: Record<string, string>, idempotencyKey: string) => Promise<Answer<T>>;
  /** The outcome of an accepted submission, said to the person. */
  readonly success: (answer: Answer<T>, values: Record<string, string>) => string;
  /** After an accepted submission, once the form is reset. */
  readonly after?: (answer: Answer<T>, values: Record<string, string>) => void;
  /** The field a refusal is about; by default from its code, detail and the values sent. */
  readonly fieldOf?: (problem: Problem, values: Record<string, string>) => string | null;
  /** What to say of a refusal; by default its `detail`. */
  readonly describe?: (problem: Problem) => string;
  readonly announce: (text: string) => void;
}

/** A form whose submissions are sent once each; `key` is the next submission's Idempotency-Key. */
export class SubmissionForm<T> {
  key = newIdempotencyKey();
  private pending = false;

  constructor(private readonly options: SubmissionOptions<T>) {
    options.form.noValidate = true;
    options.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    options.form.addEventListener("reset", () => {
      this.key = newIdempotencyKey();
      this.clear();
    });
  }

  values(): Record<string, string> {
    return Object.fromEntries(this.options.fields.map((field) => [field.name, field.input.value]));
  }

  async submit(): Promise<void> {
    if (this.pending) return;
    const { form, status } = this.options;
    this.clear();
    const values = this.values();
    this.pending = true;
    form.setAttribute("aria-busy", "true");
    try {
      const errors = Object.entries((await this.options.check?.(values)) ?? {}).filter(([, message]) => message !== undefined);
      if (errors.length > 0) {
        for (const [name, message] of errors) this.showError(name, message as string);
        this.focusFirstError();
        return;
      }
      const answer = await this.options.send(values, this.key);
      const message = this.options.success(answer, values);
      form.reset();
      this.show(status, message + (answer.replayed ? " (a repeat of a request already applied: nothing was done twice)" : ""), "success");
      this.options.announce(message);
      this.options.after?.(answer, values);
    } catch (error) {
      this.refused(error, values);
    } finally {
      this.pending = false;
      form.removeAttribute("aria-busy");
    }
  }

  private refused(error: unknown, values: Record<string, string>): void {
    const { status } = this.options;
    if (error instanceof NoAnswer || (error instanceof Problem && (error.status >= 500 || error.code === "IDEMPOTENCY_KEY_IN_PROGRESS"))) {
      // Perhaps applied, perhaps not: the same key goes with the next attempt, which the server
      // answers as it answered this one if it was applied.
      const message = "No answer from the server. Send the form again: it will not be applied twice.";
      this.show(status, message, "error");
      this.options.announce(message);
      return;
    }
    if (!(error instanceof Problem)) throw error;
    // Answered: the refusal is final for this key, and a corrected form is a new submission.
    this.key = newIdempotencyKey();
    const name = (this.options.fieldOf ?? fieldOfProblem)(error, values);
    const message = this.options.describe?.(error) ?? error.detail;
    if (name !== null && this.options.fields.some((field) => field.name === name)) {
      this.showError(name, message);
      this.focusFirstError();
    } else {
      this.show(status, message, "error");
      this.options.announce(message);
    }
  }

  private showError(name: string, message: string): void {
    const field = this.options.fields.find((candidate) => candidate.name === name);
    if (field === undefined) return;
    field.error.textContent = message;
    field.error.hidden = false;
    field.input.setAttribute("aria-invalid", "true");
    const described = field.input.getAttribute("aria-describedby")?.split(" ").filter((id) => id !== field.error.id) ?? [];
    field.input.setAttribute("aria-describedby", [...described, field.error.id].join(" "));
  }

  private focusFirstError(): void {
    this.options.fields.find((field) => !field.error.hidden)?.input.focus();
  }

  private clear(): void {
    for (const field of this.options.fields) {
      field.error.hidden = true;
      field.error.textContent = "";
      field.input.removeAttribute("aria-invalid");
      const described = field.input.getAttribute("aria-describedby")?.split(" ").filter((id) => id !== field.error.id) ?? [];
      if (described.length === 0) field.input.removeAttribute("aria-describedby");
      else field.input.setAttribute("aria-describedby", described.join(" "));
    }
    this.show(this.options.status, "", "");
  }

  private show(element: HTMLElement, text: string, kind: "success" | "error" | ""): void {
    element.textContent = text;
    element.className = `form-status${kind === "" ? "" : ` ${kind}`}`;
  }
}

/** The field names a refusal's code points at, most likely first. */
const FIELDS_BY_CODE: Readonly<Record<string, readonly string[]>> = {
  INSUFFICIENT_FUNDS: ["amount"],
  NEGATIVE_AMOUNT: ["amount"],
  INVALID_AMOUNT: ["amount", "initial_balance"],
  BALANCE_LIMIT_EXCEEDED: ["amount", "initial_balance"],
  NEGATIVE_INITIAL_BALANCE: ["initial_balance"],
  ACCOUNT_EXISTS: ["name"],
  INVALID_NAME: ["name", "sender", "recipient"],
  SAME_ACCOUNT: ["recipient"],
  FORBIDDEN: [],
};

/**
 * The field of the form a refusal is about: by its code; for an unknown account, the field that
 * holds the name the detail quotes; for a schema refusal, the field its detail names (`body/amount`).
 */
export function fieldOfProblem(problem: Problem, values: Record<string, string>): string | null {
  const present = (name: string) => Object.hasOwn(values, name);
  if (problem.code === "ACCOUNT_NOT_FOUND") {
    const quoted = /'(.*)'/s.exec(problem.detail)?.[1];
    const names = ["name", "account", "sender", "recipient"].filter(present);
    return names.find((name) => values[name] === quoted) ?? names[0] ?? null;
  }
  if (problem.code === "INVALID_REQUEST") {
    const named = /^(?:body|params)\/(\w+)/.exec(problem.detail)?.[1];
    if (named !== undefined && present(named)) return named;
    return ["name", "account"].find((name) => present(name) && problem.detail.startsWith("params/")) ?? null;
  }
  return FIELDS_BY_CODE[problem.code]?.find(present) ?? null;
}
