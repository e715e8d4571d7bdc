// The rules of a journey run (--users): what it needs, what it cannot go with, and its JourneyConfig.

import type { JourneyConfig } from './config.js';
import type { OptionValues } from './option-values.js';
import { shown } from './target.js';

/** Flags that shape the one request of a run of requests: a journey's steps say their own method and body. */
const SHAPING = [
  ['-p', 'postFile'],
  ['-u', 'putFile'],
  ['-m', 'method'],
  ['-i', 'head'],
] as const;

/** --users N, checked against the flags it replaces or cannot go with; null when not given (or after a problem). */
export function usersFrom(o: OptionValues): number | null {
  const { problems } = o;
  if (!o.given('script')) problems.push('--users needs --script FILE: a journey module exporting iteration(vu)');
  if (o.given('targets')) problems.push("--users cannot be used with --targets: a journey's steps name their own requests");
  if (o.given('concurrency'))
    problems.push(`--users and -c ${shown(o.text('concurrency') ?? '')} cannot be used together: the users are the journey's concurrency`);
  if (o.given('requests'))
    problems.push(`-n ${shown(o.text('requests') ?? '')} counts requests; a journey counts iterations: use --iterations N (or -t)`);
  if (o.given('maxConnections'))
    problems.push('--max-connections cannot be used with --users: use --max-users (each user has one connection)');
  for (const [flag, key] of [
    ['--pipeline', 'pipeline'],
    ['--streams', 'streams'],
  ] as const)
    if (o.given(key)) problems.push(`${flag} cannot be used with --users: each user awaits one step at a time`);
  const shaping = SHAPING.filter(([, key]) => o.given(key)).map(([flag]) => flag);
  if (shaping.length > 0) problems.push(`${shaping.join(', ')} cannot be used with --users: each step gives its own method and body`);
  o.skip('concurrency');
  return o.value('users');
}

/** --max-users: only a schedule can leave every user busy with an iteration due. */
export function maxUsersFrom(o: OptionValues, users: number | null): number | null {
  if (!o.given('maxUsers')) return null;
  const max = o.value('maxUsers');
  if (!o.given('rate') && !o.given('stages')) {
    o.problems.push(
      `--max-users ${shown(o.text('maxUsers') ?? '')} needs --rate or --stages (in the closed loop every user is always busy)`,
    );
    return null;
  }
  if (max !== null && users !== null && max < users) {
    o.problems.push(`--max-users ${max} is below --users ${users} (the pool starts at --users and only grows)`);
    return null;
  }
  return max;
}

/** How many iterations in all: --iterations, else none when -t or --stages bound the run, else one per user. */
export function iterationsFrom(o: OptionValues, users: number | null): number | null {
  if (o.given('iterations')) return o.value('iterations');
  if (o.given('duration') || o.given('stages')) return null;
  if (o.given('rate')) {
    o.problems.push('--rate with --users needs --iterations or -t (how many iterations, or for how long)');
    return null;
  }
  return users;
}

/** The journey part of the Config; the flags that only mean something with --users are refused without it. */
export function journeyFrom(o: OptionValues, iterations: number | null): JourneyConfig | null {
  const { problems } = o;
  if (!o.given('users')) {
    const orphans = (
      [
        ['--iterations', 'iterations'],
        ['--max-users', 'maxUsers'],
        ['--data', 'data'],
        ['--data-random', 'dataRandom'],
      ] as const
    ).filter(([, key]) => o.given(key));
    if (orphans.length > 0) problems.push(`${orphans.map(([flag]) => flag).join(', ')} needs --users (a journey's virtual users)`);
    return null;
  }
  const random = o.on('dataRandom');
  if (random && !o.given('data')) problems.push('--data-random needs --data (the rows to pick from)');
  const data = o.given('data') ? o.value('data') : null;
  const seed = o.given('seed') ? (o.value('seed') ?? 0) : Math.floor(Math.random() * 2 ** 32);
  return { iterations, data, dataOrder: random ? 'random' : 'round-robin', seed, firstUser: 0 };
}
