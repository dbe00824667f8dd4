/** Small accessible building blocks: fields with their errors, alerts, stars, pages. */
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";

let nextId = 0;
export const useId = (prefix: string): string => {
	const ref = useRef<string | undefined>(undefined);
	if (!ref.current) ref.current = `${prefix}-${++nextId}`;
	return ref.current;
};

interface InputProps {
	type?: string;
	maxLength?: number;
	style?: Record<string, string>;
	spellcheck?: boolean;
	min?: string | number;
	max?: string | number;
	step?: string | number;
	list?: string;
	required?: boolean;
	autoComplete?: string;
	inputMode?: "text" | "numeric" | "decimal" | "email" | "tel" | "search";
}

export interface FieldProps {
	label: string;
	name: string;
	value: string | number;
	onValue: (v: string) => void;
	error?: string;
	hint?: string;
	multiline?: boolean;
	rows?: number;
	input?: InputProps;
	class?: string;
	readOnly?: boolean;
}

/** A label, the control, an optional hint and the error next to the field (aria-describedby). */
export function Field(p: FieldProps) {
	const id = useId(`f-${p.name.replace(/[^a-z0-9]/gi, "-")}`);
	const hintId = p.hint ? `${id}-hint` : undefined;
	const errId = p.error ? `${id}-err` : undefined;
	const describedBy = [hintId, errId].filter(Boolean).join(" ") || undefined;
	const common = {
		id,
		name: p.name,
		value: p.value,
		"aria-invalid": p.error ? ("true" as const) : undefined,
		"aria-describedby": describedBy,
		readOnly: p.readOnly,
	};
	return (
		<div class={`field${p.error ? " field--error" : ""}${p.class ? ` ${p.class}` : ""}`}>
			<label for={id}>
				{p.label}
				{p.input?.required && <span class="req" aria-hidden="true"> *</span>}
			</label>
			{p.multiline ? (
				<textarea {...common} rows={p.rows ?? 3} onInput={e => p.onValue(e.currentTarget.value)} required={p.input?.required} />
			) : (
				<input {...({ ...p.input, ...common, onInput: (e: Event) => p.onValue((e.currentTarget as HTMLInputElement).value) } as InputHTMLAttributes<HTMLInputElement>)} />
			)}
			{p.hint && (
				<p class="hint" id={hintId}>
					{p.hint}
				</p>
			)}
			{p.error && (
				<p class="error" id={errId} data-field={p.name}>
					{p.error}
				</p>
			)}
		</div>
	);
}

export interface SelectProps {
	label: string;
	name: string;
	value: string;
	onValue: (v: string) => void;
	options: { value: string; label: string }[];
	error?: string;
}
export function Select(p: SelectProps) {
	const id = useId(`s-${p.name}`);
	const errId = p.error ? `${id}-err` : undefined;
	return (
		<div class={`field${p.error ? " field--error" : ""}`}>
			<label for={id}>{p.label}</label>
			<select id={id} name={p.name} value={p.value} onChange={e => p.onValue(e.currentTarget.value)} aria-invalid={p.error ? "true" : undefined} aria-describedby={errId}>
				{p.options.map(o => (
					<option key={o.value} value={o.value}>
						{o.label}
					</option>
				))}
			</select>
			{p.error && (
				<p class="error" id={errId}>
					{p.error}
				</p>
			)}
		</div>
	);
}

/** role=alert for errors (announced at once), role=status for news; focused when it appears. */
export function Alert({ kind, children, focus = false }: { kind: "error" | "success" | "info" | "warning"; children: ComponentChildren; focus?: boolean }) {
	const ref = useRef<HTMLDivElement>(null);
	useEffect(() => {
		if (focus) ref.current?.focus();
	}, [focus, children]);
	return (
		<div ref={ref} class={`alert alert--${kind}`} role={kind === "error" ? "alert" : "status"} tabIndex={focus ? -1 : undefined} data-testid={`alert-${kind}`}>
			{children}
		</div>
	);
}

export function Stars({ n }: { n: number }) {
	return (
		<span class="stars" role="img" aria-label={t("common.stars", { n })}>
			{"★".repeat(n)}
			<span class="stars__off">{"★".repeat(Math.max(0, 5 - n))}</span>
		</span>
	);
}

export function Pager({ page, totalPages, onPage }: { page: number; totalPages: number; onPage: (p: number) => void }) {
	if (totalPages <= 1) return null;
	return (
		<nav class="pager" aria-label={t("common.pageOf", { page, pages: totalPages })}>
			<button type="button" class="btn btn--ghost" disabled={page <= 1} onClick={() => onPage(page - 1)}>
				{t("common.previous")}
			</button>
			<span>{t("common.pageOf", { page, pages: totalPages })}</span>
			<button type="button" class="btn btn--ghost" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
				{t("common.next")}
			</button>
		</nav>
	);
}

export function Loading() {
	return (
		<p class="loading" role="status">
			{t("common.loading")}
		</p>
	);
}

/** The first page of a visit keeps the browser's own focus order (skip link first). */
let firstPage = true;

/** The page's h1, focused on navigation so screen readers announce the new page. */
export function PageTitle({ children }: { children: ComponentChildren }) {
	const ref = useRef<HTMLHeadingElement>(null);
	useEffect(() => {
		if (!firstPage) ref.current?.focus({ preventScroll: true });
		firstPage = false;
		if (ref.current) document.title = `${ref.current.textContent ?? ""} · ${t("app.name")}`;
	}, [children]);
	return (
		<h1 ref={ref} tabIndex={-1}>
			{children}
		</h1>
	);
}

export const photoUrl = (url: string | undefined): string => url || "/img/hotels/placeholder.svg";

/** A staff table: scrollable labelled region, column headers, rows as children (cards on phones). */
export function DataTable({ label, columns, children }: { label: string; columns: string[]; children: ComponentChildren }) {
	return (
		<div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
			<table class="table table--stack">
				<thead>
					<tr>
						{columns.map(c => (
							<th scope="col" key={c}>{c}</th>
						))}
					</tr>
				</thead>
				<tbody>{children}</tbody>
			</table>
		</div>
	);
}
