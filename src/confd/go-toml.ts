/** The TOML dialect confd's Go decoder accepts. */
import { parse as parseToml } from 'smol-toml';

/**
 * TOML as confd's decoder reads it: it also accepts integers with leading zeros (`mode = 0644`),
 * which strict TOML rejects; they decode as integers.
 */
export function parseTomlLikeGo(text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (!/leading zero/i.test((e as Error).message)) throw e;
    const relaxed = text.replace(/^(\s*[\w"'.-]+\s*=\s*)([+-]?)0+(\d+)(\s*(#.*)?)$/gm, '$1$2$3$4');
    return parseToml(relaxed) as Record<string, unknown>;
  }
}
