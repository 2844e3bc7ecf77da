import type { TargetConfig, TargetTypeName } from '@fanout/runtime/config';
import { Box, Text, useInput } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import { destinationPartOf, type DestinationChoice } from '../../app/destination-discovery.js';
import type { TargetDraft } from '../../app/targets.js';
import type { Attempt } from '../hooks/useFeedback.js';
import type { AppServices } from '../services.js';
import { BY_HAND, DestinationStep } from './DestinationStep.js';
import { PLACE_FIELDS, formFields, stepValue, rowFieldsOf, type WizardValueName } from './fields.js';
import { FormStep } from './FormStep.js';
import { IdStep } from './IdStep.js';
import { ReviewStep } from './ReviewStep.js';
import { initialWizardState, stepsOf, wizardReducer } from './state.js';
import { TypeStep } from './TypeStep.js';

export interface WizardProps {
  services: AppServices;
  sourceArn: string;
  sourceName: string;
  /** The ids the source's targets have already. */
  existingIds: readonly string[];
  /** The stored target to change; none to register a new one. */
  editing?: TargetConfig | undefined;
  /** Runs an AWS call the way the app does: an error in the status line and undefined. */
  attempt: Attempt;
  onSaved: (target: TargetConfig) => void;
  onClose: () => void;
  /** False while a question of the app takes the keys. */
  isActive: boolean;
  height: number;
}

/** Registers a target, or changes one, step by step; its state is one reducer's (state.ts), so Esc goes back without losing anything. */
export function Wizard({ services, sourceArn, sourceName, existingIds, editing, attempt, onSaved, onClose, isActive, height }: WizardProps) {
  const [state, dispatch] = useReducer(wizardReducer, editing, initialWizardState);
  const { step, type, values, place, phase, checking, saving } = state;
  const steps = stepsOf(type, editing !== undefined);

  // the destinations of the type in the place, listed when the list is shown and again only when the type or the place changes
  const placeKey = JSON.stringify([type, place.region, place.role, place.externalId]);
  const listedFor = useRef<string>(undefined);
  const listing = step === 'destination' && phase === 'pick';
  useEffect(() => {
    if (!type || !listing || listedFor.current === placeKey) return;
    listedFor.current = placeKey;
    let current = true;
    let settled = false;
    dispatch({ kind: 'listing' });
    void attempt(() => services.destinations(type, place)).then((found) => {
      settled = true;
      if (current) dispatch({ kind: 'listed', choices: found ?? [] });
    });
    return () => {
      current = false;
      // left before the answer came: list again when the list is shown again
      if (!settled) listedFor.current = undefined;
    };
  }, [type, place, placeKey, listing, attempt, services]);

  const input = type ? rowFieldsOf(values, type, sourceArn) : {};
  const draft: TargetDraft = { sourceArn, type, destination: state.destination, id: state.id.trim() || undefined, ...input };
  const problems = step === 'place' || step === 'options' || step === 'review' ? services.validateDraft(draft) : {};
  const fields = type && (step === 'place' || step === 'options') ? formFields(step, values, type, sourceArn, problems) : [];

  const submitPlace = () => {
    if (PLACE_FIELDS.some((name) => problems[name])) return;
    dispatch({ kind: 'place', place: { region: input.region, role: input.role, externalId: input.externalId } });
  };

  /** Looks the destination up in the place; a problem stays on the step, beside what was typed. */
  const check = async (typed: string, index?: string) => {
    if (!type) return;
    dispatch({ kind: 'checking' });
    const result = await attempt(() => services.checkDestination({ type, destination: typed, index, ...place }));
    dispatch(result?.ok ? { kind: 'checked', destination: result.destination, problem: undefined } : { kind: 'checked', destination: undefined, problem: result?.problem });
  };

  /** The destination is chosen or typed: a type may ask a part after it (es its index, iot its topic), unless it names it after #. */
  const destinationGiven = (value: string, byHand: boolean) => {
    const part = type ? destinationPartOf(type) : undefined;
    const asks = part && !value.includes('#') ? part : undefined;
    dispatch({ kind: 'picked', value, byHand, asks });
    if (!asks) void check(value);
  };

  const pick = (choice: DestinationChoice) => (choice === BY_HAND ? dispatch({ kind: 'byHand' }) : destinationGiven(choice.value, false));

  const submitExtra = (text: string) => {
    // a topic or an index is taken as typed, inner spaces included; only its ends are trimmed
    const value = text.trim();
    const part = state.part;
    if (!part) return;
    if (!value) return dispatch({ kind: 'destinationProblem', problem: `${part.name}: required` });
    if (part.apart) void check(state.picked, value);
    else void check(`${state.picked}#${value}`);
  };

  const submitId = (text: string) => {
    const wanted = text.trim();
    const problem = !wanted
      ? 'required'
      : existingIds.includes(wanted)
        ? `${sourceName} has a target "${wanted}" already`
        : services.validateDraft({ id: wanted }).id?.join('; ');
    dispatch({ kind: 'idChecked', problem });
  };

  /** Set at once, unlike `saving`: a second Enter before the app draws again must not write twice. */
  const writing = useRef(false);
  const save = async () => {
    const { destination } = state;
    if (!type || destination === undefined || writing.current) return;
    writing.current = true;
    dispatch({ kind: 'saving', saving: true });
    const write = editing ? services.replace : services.register;
    const target = await attempt(() => write({ ...input, sourceArn, id: state.id.trim(), type, destination }));
    writing.current = false;
    dispatch({ kind: 'saving', saving: false });
    if (target) onSaved(target);
  };

  useInput(
    (_input, key) => {
      if (!key.escape || checking || saving) return;
      if (steps.indexOf(step) === 0) onClose();
      else dispatch({ kind: 'back' });
    },
    { isActive },
  );

  const formStep = (title: string, onSubmit: () => void, footer: string) => (
    <FormStep
      title={title}
      fields={fields}
      cursor={Math.min(state.fieldCursor, fields.length - 1)}
      onCursor={(cursor) => dispatch({ kind: 'field', cursor })}
      onStep={(name, by) => dispatch({ kind: 'values', change: (current) => stepValue(current, name, by) })}
      onText={(name: WizardValueName, text) => dispatch({ kind: 'values', change: (current) => ({ ...current, [name]: text }) })}
      onSubmit={onSubmit}
      footer={footer}
      isActive={isActive}
    />
  );

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{editing ? `Change target ${editing.id} of ${sourceName}` : `New target of ${sourceName}`}</Text> — step {steps.indexOf(step) + 1} of{' '}
        {steps.length}
        {type ? ` · ${type}` : ''}
        {state.destination && step !== 'destination' ? ` · ${state.destination}` : ''}
      </Text>
      {step === 'type' ? (
        <TypeStep list={state.types} onList={(list) => dispatch({ kind: 'types', list })} onSelect={(chosen: TargetTypeName) => dispatch({ kind: 'type', type: chosen })} isActive={isActive} height={height - 1} />
      ) : null}
      {step === 'place' ? formStep('Where the destination is', submitPlace, '↑ ↓ to move · Enter to go on · Esc to go back') : null}
      {step === 'destination' && type ? (
        <DestinationStep
          type={type}
          phase={phase}
          part={state.part}
          choices={state.choices}
          list={state.destinations}
          picked={state.picked}
          manual={state.manual}
          extra={state.extra}
          checking={checking}
          problem={state.destinationProblem}
          isActive={isActive}
          height={Math.max(3, height - 6)}
          onList={(list) => dispatch({ kind: 'destinations', list })}
          onPick={pick}
          onManual={(text) => dispatch({ kind: 'manual', text })}
          onManualSubmit={(text) => (text.trim() ? destinationGiven(text.trim(), true) : dispatch({ kind: 'destinationProblem', problem: 'destination: required' }))}
          onExtra={(text) => dispatch({ kind: 'extra', text })}
          onExtraSubmit={submitExtra}
        />
      ) : null}
      {step === 'id' ? <IdStep id={state.id} problem={state.idProblem} onChange={(id) => dispatch({ kind: 'id', id })} onSubmit={submitId} isActive={isActive} /> : null}
      {step === 'options'
        ? formStep(
            'Options',
            () => {
              if (Object.keys(problems).length === 0) dispatch({ kind: 'step', step: 'review' });
            },
            'space or ← → to change · Enter to review · Esc to go back',
          )
        : null}
      {step === 'review' ? (
        <ReviewStep row={services.previewRow(draft)} saving={saving} action={editing ? 'save the change' : 'register'} onConfirm={() => void save()} isActive={isActive} />
      ) : null}
    </Box>
  );
}
