import type { FirewallRule } from '../../../main/api/networks.js';
import { Field, FieldError } from '../components/Field.js';
import { t, type MessageKey } from '../i18n/index.js';
import { moveItem, newRule, type RuleDraft } from './draft.js';
import type { EditorProps } from './editor-props.js';
import { RowButtons } from './RowButtons.js';

const ACTIONS: FirewallRule['action'][] = ['allow', 'deny'];
const DIRECTIONS: FirewallRule['direction'][] = ['in', 'out', 'both'];
const PROTOCOLS: FirewallRule['protocol'][] = ['any', 'tcp', 'udp', 'icmp'];

function options<T extends string>(values: readonly T[], prefix: string) {
  return values.map((v) => (
    <option key={v} value={v}>
      {t(`${prefix}.${v}` as MessageKey)}
    </option>
  ));
}

/** What the switch lets through: a default each way, then rules checked from the top (the first match decides). */
export function FirewallTab({ draft, set, errorFor }: EditorProps) {
  const rules = draft.rules;
  const putRule = (i: number, patch: Partial<RuleDraft>) => set({ rules: rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const ruleError = rules.map((_, i) => errorFor(`rules.${i}`)).find(Boolean) ?? (rules.length ? null : errorFor('rules'));
  return (
    <>
      <p className="page-intro muted small">{t('net.fw.intro')}</p>
      <div className="field-row">
        {(['defaultIn', 'defaultOut'] as const).map((key) => (
          <Field key={key} label={t(`net.fw.${key}`)} error={errorFor(key)}>
            {(c) => (
              <select {...c} value={draft[key]} onChange={(e) => set({ [key]: e.target.value as 'allow' | 'deny' })}>
                {options(ACTIONS, 'net.fw.action')}
              </select>
            )}
          </Field>
        ))}
      </div>
      <table className="net-table net-edit-table" aria-label={t('net.fw.rules')}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('net.fw.col.action')}</th>
            <th scope="col">{t('net.fw.col.direction')}</th>
            <th scope="col">{t('net.fw.col.protocol')}</th>
            <th scope="col">{t('net.fw.col.peer')}</th>
            <th scope="col">{t('net.fw.col.ports')}</th>
            <th scope="col">{t('net.fw.col.note')}</th>
            <th scope="col">
              <span className="sr-only">{t('net.col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r, i) => (
            <RuleRow key={i} rule={r} i={i} count={rules.length} errorFor={errorFor} put={(p) => putRule(i, p)} move={(by) => set({ rules: moveItem(rules, i, by) })} remove={() => set({ rules: rules.filter((_, j) => j !== i) })} />
          ))}
        </tbody>
      </table>
      {rules.length === 0 && <p className="muted small">{t('net.fw.none')}</p>}
      {ruleError && <FieldError text={ruleError} />}
      <button type="button" className="net-add" disabled={rules.length >= 256} onClick={() => set({ rules: [...rules, newRule()] })}>
        {t('net.fw.add')}
      </button>
    </>
  );
}

interface RuleRowProps {
  rule: RuleDraft;
  i: number;
  count: number;
  errorFor: (field: string) => string | null;
  put: (patch: Partial<RuleDraft>) => void;
  move: (by: -1 | 1) => void;
  remove: () => void;
}

function RuleRow({ rule, i, count, errorFor, put, move, remove }: RuleRowProps) {
  const n = i + 1;
  const invalid = (field: string) => (errorFor(`rules.${i}.${field}`) ? { 'aria-invalid': true } : {});
  return (
    <tr>
      <td className="muted">{n}</td>
      <td>
        <select aria-label={t('net.fw.ruleAction', { n })} value={rule.action} onChange={(e) => put({ action: e.target.value as RuleDraft['action'] })}>
          {options(ACTIONS, 'net.fw.action')}
        </select>
      </td>
      <td>
        <select aria-label={t('net.fw.ruleDirection', { n })} value={rule.direction} onChange={(e) => put({ direction: e.target.value as RuleDraft['direction'] })}>
          {options(DIRECTIONS, 'net.fw.direction')}
        </select>
      </td>
      <td>
        <select aria-label={t('net.fw.ruleProtocol', { n })} value={rule.protocol} onChange={(e) => put({ protocol: e.target.value as RuleDraft['protocol'] })}>
          {options(PROTOCOLS, 'net.fw.protocol')}
        </select>
      </td>
      <td>
        <input aria-label={t('net.fw.rulePeer', { n })} {...invalid('peer')} className="mono" placeholder={t('net.any')} value={rule.peer} spellCheck={false} onChange={(e) => put({ peer: e.target.value })} />
      </td>
      <td>
        <input aria-label={t('net.fw.rulePorts', { n })} {...invalid('ports')} className="mono ports" placeholder={t('net.any')} value={rule.ports} disabled={rule.protocol === 'icmp'} onChange={(e) => put({ ports: e.target.value })} />
      </td>
      <td>
        <input aria-label={t('net.fw.ruleNote', { n })} {...invalid('note')} value={rule.note} maxLength={200} onChange={(e) => put({ note: e.target.value })} />
      </td>
      <td>
        <RowButtons what={t('net.fw.rule', { n })} at={i} count={count} move={move} remove={remove} />
      </td>
    </tr>
  );
}
