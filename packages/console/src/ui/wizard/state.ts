import type { TargetConfig, TargetTypeName } from '@fanout/runtime/config';
import type { DestinationChoice, DestinationPart, DestinationPlace } from '../../app/destination-discovery.js';
import { NEW_TARGET_VALUES, asksPlace, valuesOf, type WizardValues } from './fields.js';

export type Step = 'type' | 'place' | 'destination' | 'id' | 'options' | 'review';

/** Where the destination step is: the list, the destination typed by hand, the es index or the iot topic. */
/** Picking from the list, typing it by hand, or typing the part the type asks after it (its `part`). */
export type DestinationPhase = 'pick' | 'manual' | 'part';

/** The steps of a wizard: a new target asks its type and id; an edit keeps them. Where applies to AWS destinations only. */
export function stepsOf(type: TargetTypeName | undefined, editing: boolean): Step[] {
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

/** A list typed into: what is typed narrows it, the cursor is on one entry. */
export interface ListState {
  filter: string;
  cursor: number;
}

/** Everything the wizard has been told so far: Esc goes back a step without losing any of it. */
export interface WizardState {
  editing: boolean;
  step: Step;
  type: TargetTypeName | undefined;
  types: ListState;
  values: WizardValues;
  /** The place the destinations are listed and looked up in: the place step's values once it is passed. */
  place: DestinationPlace;
  /** The destinations found in the place; undefined while they are listed. */
  choices: DestinationChoice[] | undefined;
  destinations: ListState;
  phase: DestinationPhase;
  /** What phase `part` asks. */
  part?: DestinationPart | undefined;
  /** Whether the destination was typed by hand (Esc from the index or topic goes back there). */
  byHand: boolean;
  /** The destination chosen or typed, before its index or topic. */
  picked: string;
  manual: string;
  /** The es index or the iot topic. */
  extra: string;
  checking: boolean;
  destinationProblem: string | undefined;
  /** The destination as it is stored, once looked up. */
  destination: string | undefined;
  id: string;
  idProblem: string | undefined;
  fieldCursor: number;
  saving: boolean;
}

export function initialWizardState(editing: TargetConfig | undefined): WizardState {
  return {
    editing: editing !== undefined,
    step: stepsOf(editing?.type, editing !== undefined)[0]!,
    type: editing?.type,
    types: { filter: '', cursor: 0 },
    values: editing ? valuesOf(editing) : NEW_TARGET_VALUES,
    place: editing ? { region: editing.region, role: editing.role, externalId: editing.externalId } : {},
    choices: undefined,
    destinations: { filter: '', cursor: 0 },
    phase: editing ? 'manual' : 'pick',
    byHand: editing !== undefined,
    picked: '',
    manual: editing?.destination ?? '',
    extra: '',
    checking: false,
    destinationProblem: undefined,
    destination: editing?.destination,
    id: editing?.id ?? '',
    idProblem: undefined,
    fieldCursor: 0,
    saving: false,
  };
}

export type WizardAction =
  | { kind: 'types'; list: ListState }
  /** A type chosen: another than before starts the destination over. */
  | { kind: 'type'; type: TargetTypeName }
  | { kind: 'step'; step: Step }
  /** Esc: back a phase of the destination step, or a step. */
  | { kind: 'back' }
  | { kind: 'values'; change: (values: WizardValues) => WizardValues }
  | { kind: 'field'; cursor: number }
  | { kind: 'place'; place: DestinationPlace }
  | { kind: 'listing' }
  | { kind: 'listed'; choices: DestinationChoice[] }
  | { kind: 'destinations'; list: ListState }
  | { kind: 'byHand' }
  | { kind: 'picked'; value: string; byHand: boolean; asks: DestinationPart | undefined }
  | { kind: 'manual'; text: string }
  | { kind: 'extra'; text: string }
  | { kind: 'checking' }
  | { kind: 'checked'; destination: string | undefined; problem: string | undefined }
  | { kind: 'destinationProblem'; problem: string | undefined }
  | { kind: 'id'; id: string }
  /** The id checked: on to the options, or its problem shown. */
  | { kind: 'idChecked'; problem: string | undefined }
  | { kind: 'saving'; saving: boolean };

const next = (state: WizardState): Step => {
  const steps = stepsOf(state.type, state.editing);
  return steps[steps.indexOf(state.step) + 1] ?? state.step;
};

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.kind) {
    case 'types':
      return { ...state, types: action.list };
    case 'type': {
      const fresh = initialWizardState(undefined);
      const kept = action.type === state.type ? state : { ...state, ...fresh, values: state.values, place: state.place, id: state.id, types: state.types, type: action.type };
      return { ...kept, step: stepsOf(action.type, false)[1]!, fieldCursor: 0 };
    }
    case 'step':
      return { ...state, step: action.step, fieldCursor: 0 };
    case 'back': {
      if (state.step === 'destination' && state.phase !== 'pick') {
        return { ...state, destinationProblem: undefined, phase: state.phase === 'manual' || !state.byHand ? 'pick' : 'manual' };
      }
      const steps = stepsOf(state.type, state.editing);
      const before = steps[steps.indexOf(state.step) - 1];
      return before ? { ...state, step: before, fieldCursor: 0, destinationProblem: undefined, idProblem: undefined } : state;
    }
    case 'values':
      return { ...state, values: action.change(state.values) };
    case 'field':
      return { ...state, fieldCursor: action.cursor };
    case 'place': {
      const { region, role, externalId } = action.place;
      const same = region === state.place.region && role === state.place.role && externalId === state.place.externalId;
      return { ...state, place: same ? state.place : { region, role, externalId }, step: next(state), fieldCursor: 0 };
    }
    case 'listing':
      return { ...state, choices: undefined, destinations: { ...state.destinations, cursor: 0 } };
    case 'listed':
      return { ...state, choices: action.choices };
    case 'destinations':
      return { ...state, destinations: action.list };
    case 'byHand':
      return { ...state, byHand: true, manual: state.manual || state.destinations.filter, destinationProblem: undefined, phase: 'manual' };
    case 'picked':
      return { ...state, picked: action.value, byHand: action.byHand, destinationProblem: undefined, ...(action.asks ? { phase: 'part', part: action.asks } : {}) };
    case 'manual':
      return { ...state, manual: action.text };
    case 'extra':
      return { ...state, extra: action.text };
    case 'checking':
      return { ...state, checking: true, destinationProblem: undefined };
    case 'checked':
      if (action.destination === undefined) return { ...state, checking: false, destinationProblem: action.problem };
      return { ...state, checking: false, destination: action.destination, step: next(state), fieldCursor: 0 };
    case 'destinationProblem':
      return { ...state, destinationProblem: action.problem };
    case 'id':
      return { ...state, id: action.id, idProblem: undefined };
    case 'idChecked':
      return action.problem ? { ...state, idProblem: action.problem } : { ...state, idProblem: undefined, step: next(state), fieldCursor: 0 };
    case 'saving':
      return { ...state, saving: action.saving };
  }
}
