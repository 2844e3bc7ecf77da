import type { TargetConfig, TargetTypeName } from '@fanout/runtime/config';
import { Box, Text, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DestinationChoice } from '../../app/destination-discovery.js';
import type { TargetDraft } from '../../app/targets.js';
import type { DestinationPlace } from '../../app/destination-discovery.js';
import type { AppServices } from '../services.js';
import { BY_HAND, DestinationStep, type DestinationPhase } from './DestinationStep.js';
import { NEW_TARGET_VALUES, PLACE_FIELDS, asksPlace, formFields, stepValue, rowFieldsOf, valuesOf, type WizardValueName, type WizardValues } from './fields.js';
import { FormStep } from './FormStep.js';
import { IdStep } from './IdStep.js';
import { ReviewStep } from './ReviewStep.js';
import { TypeStep } from './TypeStep.js';

type Step = 'type' | 'place' | 'destination' | 'id' | 'options' | 'review';

/** The steps of a wizard: a new target asks its type and id; an edit keeps them. Where applies to AWS destinations only. */
function stepsOf(type: TargetTypeName | undefined, editing: boolean): Step[] {
  return [
    ...(editing ? [] : (['type'] as const)),
    // before the type is chosen, counted: most types ask it
    ...(!type || asksPlace(type) ? (['place'] as const) : []),
    'destination',
    ...(editing ? [] : (['id'] as const)),
    'options',
    'review',
  ];
}

export interface WizardProps {
  services: AppServices;
  sourceArn: string;
  sourceName: string;
  /** The ids the source's targets have already. */
  existingIds: readonly string[];
  /** The stored target to change; none to register a new one. */
  editing?: TargetConfig | undefined;
  /** Runs an AWS call the way the app does: loading shown, an error in the status line and undefined. */
  attempt: <Result>(action: () => Promise<Result>) => Promise<Result | undefined>;
  onSaved: (target: TargetConfig) => void;
  onClose: () => void;
  height: number;
}

/** Registers a target, or changes one, step by step; every step's state lives here, so Esc goes back without losing anything. */
export function Wizard({ services, sourceArn, sourceName, existingIds, editing, attempt, onSaved, onClose, height }: WizardProps) {
  const [type, setType] = useState<TargetTypeName | undefined>(editing?.type);
  const steps = stepsOf(type, editing !== undefined);
  const [step, setStep] = useState<Step>(steps[0]!);
  const [values, setValues] = useState<WizardValues>(editing ? valuesOf(editing) : NEW_TARGET_VALUES);
  /** The place the destinations are listed and looked up in: the place step's values once it is passed. */
  const [place, setPlace] = useState<DestinationPlace>(editing ? { region: editing.region, role: editing.role, externalId: editing.externalId } : {});
  const [choices, setChoices] = useState<DestinationChoice[]>();
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(0);
  const [phase, setPhase] = useState<DestinationPhase>(editing ? 'manual' : 'pick');
  const [byHand, setByHand] = useState(editing !== undefined);
  const [picked, setPicked] = useState('');
  const [manual, setManual] = useState(editing?.destination ?? '');
  const [extra, setExtra] = useState('');
  const [checking, setChecking] = useState(false);
  const [destinationProblem, setDestinationProblem] = useState<string>();
  const [destination, setDestination] = useState<string | undefined>(editing?.destination);
  const [id, setId] = useState(editing?.id ?? '');
  const [idProblem, setIdProblem] = useState<string>();
  const [fieldCursor, setFieldCursor] = useState(0);
  const [saving, setSaving] = useState(false);

  // the destinations of the type in the place, listed when the list is shown and again only when the type or the place changes
  const placeKey = JSON.stringify([type, place.region, place.role, place.externalId]);
  const listedFor = useRef<string>(undefined);
  const listing = step === 'destination' && phase === 'pick';
  useEffect(() => {
    if (!type || !listing || listedFor.current === placeKey) return;
    listedFor.current = placeKey;
    let current = true;
    let settled = false;
    setChoices(undefined);
    setCursor(0);
    void attempt(() => services.destinations(type, place)).then((found) => {
      settled = true;
      if (current) setChoices(found ?? []);
    });
    return () => {
      current = false;
      // left before the answer came: list again when the list is shown again
      if (!settled) listedFor.current = undefined;
    };
  }, [type, place, placeKey, listing, attempt, services]);

  const items = useMemo(() => {
    if (!choices) return undefined;
    const wanted = filter.toLowerCase();
    return [...choices.filter((choice) => choice.label.toLowerCase().includes(wanted) || choice.value.toLowerCase().includes(wanted)), BY_HAND];
  }, [choices, filter]);

  const input = type ? rowFieldsOf(values, type, sourceArn) : {};
  const draft: TargetDraft = { sourceArn, type, destination, id: id.trim() || undefined, ...input };
  const problems = step === 'place' || step === 'options' || step === 'review' ? services.validateDraft(draft) : {};
  const fields = type && (step === 'place' || step === 'options') ? formFields(step, values, type, sourceArn, problems) : [];

  const goTo = (next: Step) => {
    setFieldCursor(0);
    setStep(next);
  };
  const forward = () => goTo(steps[steps.indexOf(step) + 1]!);

  const chooseType = (chosen: TargetTypeName) => {
    if (chosen !== type) {
      setType(chosen);
      setFilter('');
      setCursor(0);
      setPhase('pick');
      setByHand(false);
      setPicked('');
      setManual('');
      setExtra('');
      setDestination(undefined);
      setDestinationProblem(undefined);
    }
    goTo(stepsOf(chosen, false)[1]!);
  };

  const submitPlace = () => {
    if (PLACE_FIELDS.some((name) => problems[name])) return;
    const { region, role, externalId } = input;
    if (region !== place.region || role !== place.role || externalId !== place.externalId) setPlace({ region, role, externalId });
    forward();
  };

  /** Looks the destination up in the place; a problem stays on the step, beside what was typed. */
  const check = async (typed: string, index?: string) => {
    if (!type) return;
    setChecking(true);
    setDestinationProblem(undefined);
    const result = await attempt(() => services.checkDestination({ type, destination: typed, index, ...place }));
    setChecking(false);
    if (!result) return;
    if (!result.ok) return setDestinationProblem(result.problem);
    setDestination(result.destination);
    forward();
  };

  /** The destination is chosen or typed: es asks its index, iot its topic, unless it names them after #. */
  const destinationGiven = (value: string) => {
    setPicked(value);
    setDestinationProblem(undefined);
    if ((type === 'es' || type === 'iot') && !value.includes('#')) setPhase(type === 'es' ? 'index' : 'topic');
    else void check(value);
  };

  const pick = (choice: DestinationChoice) => {
    if (choice === BY_HAND) {
      setByHand(true);
      if (!manual) setManual(filter);
      setDestinationProblem(undefined);
      setPhase('manual');
    } else {
      setByHand(false);
      destinationGiven(choice.value);
    }
  };

  const submitExtra = (text: string) => {
    if (!text.trim()) return setDestinationProblem(`${phase}: required`);
    if (type === 'es') void check(picked, text.trim());
    else void check(`${picked}#${text.trim()}`);
  };

  const submitId = (text: string) => {
    const wanted = text.trim();
    const problem = !wanted
      ? 'required'
      : existingIds.includes(wanted)
        ? `${sourceName} has a target "${wanted}" already`
        : services.validateDraft({ id: wanted }).id?.join('; ');
    setIdProblem(problem);
    if (!problem) forward();
  };

  /** Set at once, unlike `saving`: a second Enter before the app draws again must not write twice. */
  const writing = useRef(false);
  const save = async () => {
    if (!type || destination === undefined || writing.current) return;
    writing.current = true;
    setSaving(true);
    const write = editing ? services.replace : services.register;
    const target = await attempt(() => write({ ...input, sourceArn, id: id.trim(), type, destination }));
    writing.current = false;
    setSaving(false);
    if (target) onSaved(target);
  };

  useInput((_input, key) => {
    if (!key.escape || checking || saving) return;
    if (step === 'destination' && phase !== 'pick') {
      setDestinationProblem(undefined);
      return setPhase(phase === 'manual' || !byHand ? 'pick' : 'manual');
    }
    setDestinationProblem(undefined);
    setIdProblem(undefined);
    const index = steps.indexOf(step);
    if (index === 0) return onClose();
    goTo(steps[index - 1]!);
  });

  const formStep = (title: string, onSubmit: () => void, footer: string) => (
    <FormStep
      title={title}
      fields={fields}
      cursor={Math.min(fieldCursor, fields.length - 1)}
      onCursor={setFieldCursor}
      onStep={(name, by) => setValues((current) => stepValue(current, name, by))}
      onText={(name: WizardValueName, text) => setValues((current) => ({ ...current, [name]: text }))}
      onSubmit={onSubmit}
      footer={footer}
    />
  );

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{editing ? `Change target ${editing.id} of ${sourceName}` : `New target of ${sourceName}`}</Text> — step {steps.indexOf(step) + 1} of{' '}
        {steps.length}
        {type ? ` · ${type}` : ''}
        {destination && step !== 'destination' ? ` · ${destination}` : ''}
      </Text>
      {step === 'type' ? <TypeStep type={type} onSelect={chooseType} /> : null}
      {step === 'place'
        ? formStep('Where the destination is', submitPlace, '↑ ↓ to move · Enter to go on · Esc to go back')
        : null}
      {step === 'destination' && type ? (
        <DestinationStep
          type={type}
          phase={phase}
          items={items}
          filter={filter}
          cursor={cursor}
          picked={picked}
          manual={manual}
          extra={extra}
          checking={checking}
          problem={destinationProblem}
          height={Math.max(3, height - 6)}
          onFilter={(text) => {
            setFilter(text);
            setCursor(0);
          }}
          onCursor={setCursor}
          onPick={pick}
          onManual={setManual}
          onManualSubmit={(text) => (text.trim() ? destinationGiven(text.trim()) : setDestinationProblem('destination: required'))}
          onExtra={setExtra}
          onExtraSubmit={submitExtra}
        />
      ) : null}
      {step === 'id' ? (
        <IdStep
          id={id}
          problem={idProblem}
          onChange={(text) => {
            setId(text);
            setIdProblem(undefined);
          }}
          onSubmit={submitId}
        />
      ) : null}
      {step === 'options'
        ? formStep(
            'Options',
            () => {
              if (Object.keys(problems).length === 0) forward();
            },
            'space or ← → to change · Enter to review · Esc to go back',
          )
        : null}
      {step === 'review' ? (
        <ReviewStep row={services.previewRow(draft)} saving={saving} action={editing ? 'save the change' : 'register'} onConfirm={() => void save()} />
      ) : null}
    </Box>
  );
}
