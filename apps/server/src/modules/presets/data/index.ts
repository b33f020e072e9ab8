import type { PresetKey } from '@leadflow/shared/presets';
import type { PresetDefinition } from '../preset-types.ts';
import { agency } from './agency.ts';
import { blank } from './blank.ts';
import { homeCare } from './home-care.ts';
import { insurance } from './insurance.ts';
import { realEstate } from './real-estate.ts';

/** Every preset, in the order the pickers show them. A new trade: a new file here and its key in PRESET_KEYS. */
export const PRESETS: Record<PresetKey, PresetDefinition> = {
  real_estate: realEstate,
  insurance,
  home_care: homeCare,
  agency,
  blank,
};
