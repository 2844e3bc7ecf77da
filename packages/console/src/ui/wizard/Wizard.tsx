import { COLLAPSE_MODES, TARGET_TYPES, type CollapseMode, type TargetConfig, type TargetTypeName } from '@fanout/runtime/config';
import { Box, Text, useInput } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { DestinationChoice } from '../../app/destination-discovery.js';
import type { TargetDraft } from '../../app/targets.js';
import type { AppServices } from '../services.js';
import { BY_HAND, DestinationStep, type DestinationPhase } from './DestinationStep.js';
import { IdStep } from './IdStep.js';
import { OptionsStep, type OptionField } from './OptionsStep.js';
import { ReviewStep } from './ReviewStep.js';
import { TypeStep } from './TypeStep.js';

type Step = 'type' | 'destination' | 'id' | 'options' | 'review';
const STEPS: readonly Step[] = ['type', 'destination', 'id', 'options', 'review'];

export interface WizardProps {
  services: AppServices;
  sourceArn: string;
  sourceName: string;
  /** The ids the source's targets have already. */
  existingIds: readonly string[];
  /** Runs an AWS call the way the app does: loading shown, an error in the status line and undefined. */
  attempt: <Result>(action: () => Promise<Result>) => Promise<Result | undefined>;
  onRegistered: (target: TargetConfig) => void;
  onClose: () => void;
  height: number;
}

/** Registers a target step by step; every step's state lives here, so Esc goes back without losing anything. */
export function Wizard({ services, sourceArn, sourceName, existingIds, attempt, onRegistered, onClose, height }: WizardProps) {
  const [step, setStep] = useState<Step>('type');
  const [type, setType] = useState<TargetTypeName>();
  const [choices, setChoices] = useState<DestinationChoice[]>();
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(0);
  const [phase, setPhase] = useState<DestinationPhase>('pick');
  const [byHand, setByHand] = useState(false);
  const [picked, setPicked] = useState('');
  const [manual, setManual] = useState('');
  const [extra, setExtra] = useState('');
  const [checking, setChecking] = useState(false);
  const [destinationProblem, setDestinationProblem] = useState<string>();
  const [destination, setDestination] = useState<string>();
  const [id, setId] = useState('');
  const [idProblem, setIdProblem] = useState<string>();
  const [active, setActiveOption] = useState(false);
  const [collapse, setCollapse] = useState<CollapseMode>('JSON');
  const [parallel, setParallel] = useState(true);
  const [optionCursor, setOptionCursor] = useState(0);
  const [registering, setRegistering] = useState(false);

  const collapsible = type !== undefined && TARGET_TYPES[type].collapsible;

  useEffect(() => {
    if (!type) return;
    let current = true;
    setChoices(undefined);
    void attempt(() => services.destinations(type)).then((found) => {
      if (current) setChoices(found ?? []);
    });
    return () => {
      current = false;
    };
  }, [type, attempt, services]);

  const items = useMemo(() => {
    if (!choices) return undefined;
    const wanted = filter.toLowerCase();
    return [...choices.filter((choice) => choice.label.toLowerCase().includes(wanted) || choice.value.toLowerCase().includes(wanted)), BY_HAND];
  }, [choices, filter]);

  const draft: TargetDraft = {
    sourceArn,
    type,
    destination,
    id: id.trim() || undefined,
    active,
    parallel,
    ...(collapsible ? { collapse } : {}),
  };

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
      setOptionCursor(0);
    }
    setStep('destination');
  };

  /** Looks the destination up; a problem stays on the step, beside what was typed. */
  const check = async (typed: string, index?: string) => {
    if (!type) return;
    setChecking(true);
    setDestinationProblem(undefined);
    const result = await attempt(() => services.checkDestination({ type, destination: typed, index }));
    setChecking(false);
    if (!result) return;
    if (!result.ok) return setDestinationProblem(result.problem);
    setDestination(result.destination);
    setStep('id');
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
    if (!problem) setStep('options');
  };

  const problems = step === 'options' || step === 'review' ? services.validateDraft(draft) : {};
  const fields: OptionField[] = [
    { name: 'active', value: active ? 'yes' : 'no', problems: problems.active },
    ...(collapsible ? [{ name: 'collapse', value: collapse, problems: problems.collapse }] : []),
    { name: 'parallel', value: parallel ? 'yes' : 'no', problems: problems.parallel },
  ];

  const changeOption = (name: string, by: 1 | -1) => {
    if (name === 'active') setActiveOption((value) => !value);
    else if (name === 'parallel') setParallel((value) => !value);
    else if (name === 'collapse') setCollapse((mode) => COLLAPSE_MODES[(COLLAPSE_MODES.indexOf(mode) + by + COLLAPSE_MODES.length) % COLLAPSE_MODES.length]!);
  };

  const register = async () => {
    if (!type || destination === undefined) return;
    setRegistering(true);
    const target = await attempt(() =>
      services.register({ sourceArn, id: id.trim(), type, destination, active, parallel, ...(collapsible ? { collapse } : {}) }),
    );
    setRegistering(false);
    if (target) onRegistered(target);
  };

  useInput((_input, key) => {
    if (!key.escape || checking || registering) return;
    if (step === 'type') return onClose();
    if (step === 'destination') {
      setDestinationProblem(undefined);
      if (phase === 'index' || phase === 'topic') return setPhase(byHand ? 'manual' : 'pick');
      if (phase === 'manual') return setPhase('pick');
      return setStep('type');
    }
    setIdProblem(undefined);
    setStep(STEPS[STEPS.indexOf(step) - 1]!);
  });

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>New target of {sourceName}</Text> — step {STEPS.indexOf(step) + 1} of {STEPS.length}
        {type ? ` · ${type}` : ''}
        {destination && step !== 'destination' ? ` · ${destination}` : ''}
      </Text>
      {step === 'type' ? <TypeStep type={type} onSelect={chooseType} /> : null}
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
      {step === 'options' ? (
        <OptionsStep
          fields={fields}
          cursor={Math.min(optionCursor, fields.length - 1)}
          onCursor={setOptionCursor}
          onChange={changeOption}
          onSubmit={() => {
            if (Object.keys(problems).length === 0) setStep('review');
          }}
        />
      ) : null}
      {step === 'review' ? <ReviewStep row={services.previewRow(draft)} registering={registering} onConfirm={() => void register()} /> : null}
    </Box>
  );
}
