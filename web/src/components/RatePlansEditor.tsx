/**
 * The rate plans of the hotel form (SPEC §9) with each plan's cancellation policy (SPEC §10):
 * own or derived pricing, room types sold, inclusions, advance-booking window, tiers by hours
 * before arrival with a percent / first-nights / fixed fee, non-refundable, no-show fee. The form
 * holds texts as typed; `toRatePlan` sends numbers that do not parse as typed so the API names the field.
 */
import { toMajor, toMinor } from "../format";
import { t } from "../i18n";
import type { CancellationPolicy, Fee, RatePlan } from "../types";
import { Field, Select, useId } from "./ui";

export type FeeKind = "percent" | "nights" | "amount";
export interface TierForm {
	hours: string;
	kind: FeeKind;
	value: string;
}
export interface PolicyForm {
	/** "default": the plan sets none (free until 24 h before arrival, then the first night). */
	mode: "default" | "refundable" | "nonRefundable";
	tiers: TierForm[];
	noShowKind: "" | FeeKind;
	noShowValue: string;
}
export interface PlanForm {
	id: string;
	name: string;
	description: string;
	/** null: every room type. */
	roomTypeIds: string[] | null;
	includes: string;
	active: boolean;
	minAdvanceDays: string;
	maxAdvanceDays: string;
	pricing: "own" | "percent" | "amount";
	base: string;
	adjust: string;
	policy: PolicyForm;
}

export const emptyPlan = (n: number): PlanForm => ({
	id: "", name: "", description: "", roomTypeIds: null, includes: "", active: true, minAdvanceDays: "", maxAdvanceDays: "",
	pricing: "own", base: "", adjust: "", policy: { mode: "default", tiers: [], noShowKind: "", noShowValue: "" },
	...(n === 0 ? { id: "flex", name: "Flexible" } : {}),
});

const feeKind = (f?: Fee): FeeKind => (f?.percent !== undefined ? "percent" : f?.nights !== undefined ? "nights" : "amount");
const feeValue = (f: Fee | undefined, currency: string): string =>
	f?.percent !== undefined ? String(f.percent) : f?.nights !== undefined ? String(f.nights) : f?.amount !== undefined ? toMajor(f.amount, currency) : "";

export function fromRatePlan(p: RatePlan, currency: string): PlanForm {
	const c = p.cancellationPolicy;
	return {
		id: p.id, name: p.name, description: p.description ?? "", roomTypeIds: p.roomTypeIds ?? null, includes: (p.includes ?? []).join(", "), active: p.active !== false,
		minAdvanceDays: p.minAdvanceDays === undefined ? "" : String(p.minAdvanceDays), maxAdvanceDays: p.maxAdvanceDays === undefined ? "" : String(p.maxAdvanceDays),
		pricing: !p.derivedFrom ? "own" : p.derivedFrom.amount !== undefined ? "amount" : "percent",
		base: p.derivedFrom?.ratePlanId ?? "",
		adjust: p.derivedFrom ? (p.derivedFrom.amount !== undefined ? toMajor(p.derivedFrom.amount, currency) : String(p.derivedFrom.percent ?? "")) : "",
		policy: c
			? {
					mode: c.refundable ? "refundable" : "nonRefundable",
					tiers: (c.tiers ?? []).map(x => ({ hours: String(x.hoursBeforeArrival), kind: feeKind(x.fee), value: feeValue(x.fee, currency) })),
					noShowKind: c.noShowFee ? feeKind(c.noShowFee) : "",
					noShowValue: feeValue(c.noShowFee, currency),
				}
			: { mode: "default", tiers: [], noShowKind: "", noShowValue: "" },
	};
}

const num = (s: string): number | string => {
	const n = s.trim() === "" ? NaN : Number(s.replace(",", "."));
	return Number.isNaN(n) ? s : n;
};
const money = (s: string, currency: string): number | string => (typeof num(s) === "number" ? toMinor(s, currency) : s);
const fee = (kind: FeeKind, value: string, currency: string): Fee => ({ [kind]: kind === "amount" ? money(value, currency) : num(value) }) as Fee;
const tags = (s: string) => s.split(",").map(x => x.trim()).filter(Boolean);

export function toRatePlan(f: PlanForm, currency: string): RatePlan {
	const policy: CancellationPolicy | undefined =
		f.policy.mode === "default"
			? undefined
			: {
					refundable: f.policy.mode === "refundable",
					...(f.policy.mode === "refundable" && f.policy.tiers.length
						? { tiers: f.policy.tiers.map(x => ({ hoursBeforeArrival: num(x.hours) as number, fee: fee(x.kind, x.value, currency) })) }
						: {}),
					...(f.policy.noShowKind ? { noShowFee: fee(f.policy.noShowKind, f.policy.noShowValue, currency) } : {}),
				};
	return {
		id: f.id.trim(),
		name: f.name.trim(),
		...(f.description.trim() ? { description: f.description.trim() } : {}),
		...(f.roomTypeIds ? { roomTypeIds: f.roomTypeIds } : {}),
		...(tags(f.includes).length ? { includes: tags(f.includes) } : {}),
		...(f.active ? {} : { active: false }),
		...(f.minAdvanceDays.trim() ? { minAdvanceDays: num(f.minAdvanceDays) as number } : {}),
		...(f.maxAdvanceDays.trim() ? { maxAdvanceDays: num(f.maxAdvanceDays) as number } : {}),
		...(f.pricing === "own" ? {} : { derivedFrom: { ratePlanId: f.base, [f.pricing]: f.pricing === "amount" ? money(f.adjust, currency) : num(f.adjust) } as RatePlan["derivedFrom"] }),
		...(policy ? { cancellationPolicy: policy } : {}),
	};
}

export function Checkbox({ label, checked, onChange, name, hint }: { label: string; checked: boolean; onChange: (v: boolean) => void; name: string; hint?: string }) {
	const id = useId(`c-${name.replace(/[^a-z0-9]/gi, "-")}`);
	return (
		<div class="field field--check">
			<label class="check" for={id}>
				<input id={id} type="checkbox" name={name} checked={checked} onChange={e => onChange(e.currentTarget.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
				{label}
			</label>
			{hint && (
				<p class="hint" id={`${id}-hint`}>
					{hint}
				</p>
			)}
		</div>
	);
}

const KINDS: FeeKind[] = ["percent", "nights", "amount"];

/** The fields of one plan whose 422 messages are shown next to an input; the others are listed in the plan's box. */
const PLAN_FIELDS = ["id", "name", "description", "minAdvanceDays", "maxAdvanceDays", "derivedFrom", "derivedFrom.ratePlanId", "derivedFrom.percent", "derivedFrom.amount"];
const shownInPlan = (k: string) => PLAN_FIELDS.includes(k) || /^cancellationPolicy\.(tiers(\[\d+\]\.(hoursBeforeArrival|fee(\.\w+)?))?|noShowFee(\.\w+)?)$/.test(k);

export function RatePlansEditor({ plans, onPlans, roomTypes, currency, errors }: {
	plans: PlanForm[];
	onPlans: (p: PlanForm[]) => void;
	roomTypes: { id: string; name: string }[];
	currency: string;
	errors: Record<string, string>;
}) {
	const setPlan = (i: number, next: Partial<PlanForm>) => onPlans(plans.map((p, j) => (i === j ? { ...p, ...next } : p)));
	const setPolicy = (i: number, next: Partial<PolicyForm>) => setPlan(i, { policy: { ...plans[i].policy, ...next } });
	const savedRooms = roomTypes.filter(r => r.id);
	return (
		<fieldset class="card" data-testid="rate-plans">
			<legend>{t("plans.title")}</legend>
			<p class="hint">{t("plans.lead")}</p>
			{errors.ratePlans && <p class="error">{errors.ratePlans}</p>}
			{plans.map((p, i) => {
				const pre = `ratePlans[${i}].`;
				const fe = (k: string) => errors[pre + k];
				const others = Object.entries(errors).filter(([k]) => k.startsWith(pre) && !shownInPlan(k.slice(pre.length)));
				const bases = plans.filter((b, j) => j !== i && b.pricing === "own" && b.id.trim());
				const pol = p.policy;
				return (
					<fieldset key={i} class="subpanel plan-form" data-testid="plan-form">
						<legend>{t("plans.plan", { n: i + 1 })}{p.name ? `: ${p.name}` : ""}</legend>
						{others.length > 0 && (
							<ul class="error-list">
								{others.map(([k, v]) => (
									<li key={k} class="error">{v}</li>
								))}
							</ul>
						)}
						<div class="grid3">
							<Field label={t("plans.id")} name={`${pre}id`} value={p.id} onValue={v => setPlan(i, { id: v })} error={fe("id")} hint={t("plans.idHint")} input={{ required: true, maxLength: 40 }} />
							<Field label={t("plans.name")} name={`${pre}name`} value={p.name} onValue={v => setPlan(i, { name: v })} error={fe("name")} input={{ required: true }} />
							<Field label={t("plans.includes")} name={`${pre}includes`} value={p.includes} onValue={v => setPlan(i, { includes: v })} hint={t("plans.includesHint")} />
						</div>
						<Field label={t("adm.form.description")} name={`${pre}description`} value={p.description} onValue={v => setPlan(i, { description: v })} error={fe("description")} />
						<div class="grid3">
							<Select label={t("plans.pricing")} name={`${pre}pricing`} value={p.pricing} onValue={v => setPlan(i, { pricing: v as PlanForm["pricing"] })}
								options={[{ value: "own", label: t("plans.own") }, { value: "percent", label: t("plans.derivedPercent") }, { value: "amount", label: t("plans.derivedAmount") }]} />
							{p.pricing !== "own" && (
								<>
									<Select label={t("plans.base")} name={`${pre}derivedFrom.ratePlanId`} value={p.base} onValue={v => setPlan(i, { base: v })} error={fe("derivedFrom.ratePlanId") ?? fe("derivedFrom")}
										options={[{ value: "", label: "—" }, ...bases.map(b => ({ value: b.id.trim(), label: b.name || b.id }))]} />
									<Field label={p.pricing === "percent" ? t("plans.percent") : t("plans.amount", { currency })} name={`${pre}derivedFrom.${p.pricing}`} value={p.adjust}
										onValue={v => setPlan(i, { adjust: v })} error={fe(`derivedFrom.${p.pricing}`)} hint={p.pricing === "percent" ? t("plans.percentHint") : t("plans.amountHint")}
										input={{ inputMode: "decimal", required: true }} />
								</>
							)}
						</div>
						<div class="grid2">
							<Field label={t("plans.minAdvance")} name={`${pre}minAdvanceDays`} value={p.minAdvanceDays} onValue={v => setPlan(i, { minAdvanceDays: v })} error={fe("minAdvanceDays")} input={{ type: "number", min: 0, max: 730 }} />
							<Field label={t("plans.maxAdvance")} name={`${pre}maxAdvanceDays`} value={p.maxAdvanceDays} onValue={v => setPlan(i, { maxAdvanceDays: v })} error={fe("maxAdvanceDays")} input={{ type: "number", min: 0, max: 730 }} />
						</div>
						<fieldset class="plain">
							<legend>{t("plans.roomTypes")}</legend>
							<Checkbox name={`${pre}allRooms`} label={t("plans.allRooms")} checked={p.roomTypeIds === null} onChange={v => setPlan(i, { roomTypeIds: v ? null : savedRooms.map(r => r.id) })} />
							{p.roomTypeIds !== null && (
								<div class="checks">
									{savedRooms.map(r => (
										<Checkbox key={r.id} name={`${pre}roomTypeIds.${r.id}`} label={r.name || r.id} checked={p.roomTypeIds!.includes(r.id)}
											onChange={v => setPlan(i, { roomTypeIds: v ? [...p.roomTypeIds!, r.id] : p.roomTypeIds!.filter(x => x !== r.id) })} />
									))}
									{savedRooms.length < roomTypes.length && <p class="hint">{t("plans.saveRoomsFirst")}</p>}
								</div>
							)}
						</fieldset>
						<Checkbox name={`${pre}active`} label={t("plans.active")} checked={p.active} onChange={v => setPlan(i, { active: v })} />
						<fieldset class="plain policy" data-testid="policy">
							<legend>{t("policy.title")}</legend>
							<Select label={t("policy.mode")} name={`${pre}cancellationPolicy.refundable`} value={pol.mode} onValue={v => setPolicy(i, { mode: v as PolicyForm["mode"] })}
								options={[{ value: "default", label: t("policy.default") }, { value: "refundable", label: t("policy.refundable") }, { value: "nonRefundable", label: t("policy.nonRefundable") }]} />
							{pol.mode === "refundable" && (
								<>
									<p class="hint">{t("policy.tiersHint")}</p>
									{pol.tiers.map((x, j) => {
										const tp = `${pre}cancellationPolicy.tiers[${j}].`;
										const err = errors[`${tp}hoursBeforeArrival`] ?? errors[`${tp}fee`] ?? errors[`${tp}fee.${x.kind}`];
										return (
											<div key={j} class="tier" role="group" aria-label={t("policy.tier", { n: j + 1 })} data-testid="tier">
												<Field label={t("policy.hours")} name={`${tp}hoursBeforeArrival`} value={x.hours} error={errors[`${tp}hoursBeforeArrival`]}
													onValue={v => setPolicy(i, { tiers: pol.tiers.map((y, k) => (k === j ? { ...y, hours: v } : y)) })} input={{ type: "number", min: 0, required: true }} />
												<Select label={t("policy.feeKind")} name={`${tp}fee.kind`} value={x.kind} onValue={v => setPolicy(i, { tiers: pol.tiers.map((y, k) => (k === j ? { ...y, kind: v as FeeKind } : y)) })}
													options={KINDS.map(k => ({ value: k, label: t(`policy.kind.${k}`, { currency }) }))} />
												<Field label={t("policy.feeValue")} name={`${tp}fee.${x.kind}`} value={x.value} error={err && err !== errors[`${tp}hoursBeforeArrival`] ? err : undefined}
													onValue={v => setPolicy(i, { tiers: pol.tiers.map((y, k) => (k === j ? { ...y, value: v } : y)) })} input={{ inputMode: "decimal", required: true }} />
												<button type="button" class="btn btn--ghost btn--small" onClick={() => setPolicy(i, { tiers: pol.tiers.filter((_, k) => k !== j) })}>
													{t("policy.removeTier", { n: j + 1 })}
												</button>
											</div>
										);
									})}
									{errors[`${pre}cancellationPolicy.tiers`] && <p class="error">{errors[`${pre}cancellationPolicy.tiers`]}</p>}
									<button type="button" class="btn btn--small" onClick={() => setPolicy(i, { tiers: [...pol.tiers, { hours: pol.tiers.length ? "0" : "24", kind: pol.tiers.length ? "percent" : "nights", value: pol.tiers.length ? "100" : "1" }] })}>
										{t("policy.addTier")}
									</button>
								</>
							)}
							{pol.mode !== "default" && (
								<div class="grid2">
									<Select label={t("policy.noShow")} name={`${pre}cancellationPolicy.noShowFee.kind`} value={pol.noShowKind} onValue={v => setPolicy(i, { noShowKind: v as PolicyForm["noShowKind"] })}
										options={[{ value: "", label: t("policy.noShowDefault") }, ...KINDS.map(k => ({ value: k, label: t(`policy.kind.${k}`, { currency }) }))]} />
									{pol.noShowKind && (
										<Field label={t("policy.feeValue")} name={`${pre}cancellationPolicy.noShowFee.${pol.noShowKind}`} value={pol.noShowValue} onValue={v => setPolicy(i, { noShowValue: v })}
											error={errors[`${pre}cancellationPolicy.noShowFee.${pol.noShowKind}`] ?? errors[`${pre}cancellationPolicy.noShowFee`]} input={{ inputMode: "decimal", required: true }} />
									)}
								</div>
							)}
						</fieldset>
						<button type="button" class="btn btn--ghost" onClick={() => onPlans(plans.filter((_, j) => j !== i))}>
							{t("plans.remove", { n: i + 1 })}
						</button>
					</fieldset>
				);
			})}
			<button type="button" class="btn" onClick={() => onPlans([...plans, emptyPlan(plans.length)])}>
				{t("plans.add")}
			</button>
		</fieldset>
	);
}
