import { test } from 'node:test';
import assert from 'node:assert/strict';
import { examples } from './helpers.mjs';
import * as Jobs from '../../lib/jobs.js';

const J = '1OyKAWgagpqJb-1';

test('a job from start to done', () => {
  let s = Jobs.emptyState();
  s = Jobs.addStarted(s, J, { space_id: '1OyKAWgagpqJb', title: 'From the popup' }, 1);
  assert.equal(s.jobs[J].stage, 'queued');
  assert.equal(Jobs.badgeText(s), '…');
  s = Jobs.reduce(s, { type: 'job.progress', job: J, stage: 'resolving' }, 2);
  s = Jobs.reduce(s, {
    type: 'job.progress', job: J, stage: 'fetching', chunks_done: 5, chunks_total: 20, bytes: 1000, speed: 500, eta_seconds: 30,
    space: { id: '1OyKAWgagpqJb', title: 'Real title', state: 'Ended', replayable: true, url: 'u' },
  }, 3);
  assert.equal(s.jobs[J].percent, 25);
  assert.equal(s.jobs[J].title, 'Real title');
  assert.equal(Jobs.badgeText(s), '25%');
  s = Jobs.reduce(s, { type: 'job.progress', job: J, stage: 'fetching', chunks_done: 20, chunks_total: 20 }, 4);
  assert.equal(s.jobs[J].percent, 99, 'not 100 before merging is done');
  s = Jobs.reduce(s, { type: 'job.progress', job: J, stage: 'merging' }, 5);
  assert.equal(s.jobs[J].chunks_done, 20, 'fields not in an event are kept');
  s = Jobs.reduce(s, { type: 'job.done', job: J, path: '/tmp/a.m4a', duration: 60, size: 1234 }, 6);
  const j = s.jobs[J];
  assert.equal(j.stage, 'done');
  assert.equal(j.percent, 100);
  assert.equal(j.path, '/tmp/a.m4a');
  assert.equal(j.speed, 0);
  assert.equal(Jobs.badgeText(s), '');
  // A late progress frame does not bring it back to life.
  const late = Jobs.reduce(s, { type: 'job.progress', job: J, stage: 'fetching', chunks_done: 1, chunks_total: 20 }, 7);
  assert.equal(late, s);
});

test('failed jobs keep their code; a retry clears it', () => {
  let s = Jobs.reduce(Jobs.emptyState(), { type: 'job.failed', job: 'a', code: 'network', message: 'x' });
  assert.equal(s.jobs.a.stage, 'failed');
  assert.equal(s.jobs.a.code, 'network');
  s = Jobs.reduce(s, { type: 'job.done', job: 'a', path: '/p' });
  assert.equal(s.jobs.a.code, undefined);
});

test('the protocol examples reduce', () => {
  let s = Jobs.emptyState();
  const byName = Object.fromEntries(examples().map((e) => [e.name, e.data]));
  s = Jobs.reduce(s, byName['job.progress.json']);
  assert.equal(s.jobs['1OyKAWgagpqJb-1'].percent, 5);
  s = Jobs.reduce(s, byName['job.done.json']);
  assert.equal(s.jobs['1OyKAWgagpqJb-1'].stage, 'done');
  const s2 = Jobs.reduce(Jobs.emptyState(), byName['job.failed.json']);
  assert.equal(s2.jobs['1OyKAWgagpqJb-1'].code, 'not_replayable');
  const s3 = Jobs.syncList(Jobs.emptyState(), byName['jobs.list.reply.json'].result.jobs);
  assert.deepEqual(Jobs.list(s3).map((j) => j.stage).sort(), ['done', 'fetching']);
});

test('jobs.list after a reconnect: unknown running jobs fail, known ones update', () => {
  let s = Jobs.emptyState();
  s = Jobs.addStarted(s, 'gone', {});
  s = Jobs.addStarted(s, 'kept', {});
  s = Jobs.reduce(s, { type: 'job.done', job: 'old', path: '/x' });
  s = Jobs.syncList(s, [{ type: 'job.progress', job: 'kept', stage: 'fetching', chunks_done: 1, chunks_total: 2 }]);
  assert.equal(s.jobs.gone.stage, 'failed');
  assert.equal(s.jobs.gone.code, 'host_exited');
  assert.equal(s.jobs.kept.percent, 50);
  assert.equal(s.jobs.old.stage, 'done');
  assert.deepEqual(s.order, ['old', 'kept', 'gone']);
  assert.equal(Jobs.syncList(s, null).jobs.kept.stage, 'failed');
});

test('jobs.list does not fail a job started after it was asked for', () => {
  let s = Jobs.addStarted(Jobs.emptyState(), 'old', {});
  const known = new Set(s.order);
  s = Jobs.addStarted(s, 'new', {});
  s = Jobs.syncList(s, [], Date.now(), known);
  assert.equal(s.jobs.new.stage, 'queued');
  assert.equal(s.jobs.old.stage, 'failed');
});

test('newest first, finished jobs pruned, dismiss', () => {
  let s = Jobs.emptyState();
  for (let i = 0; i < Jobs.MAX_FINISHED + 5; i++) s = Jobs.reduce(s, { type: 'job.done', job: `d${i}`, path: '/p' });
  s = Jobs.addStarted(s, 'run', {});
  assert.equal(s.order.length, Jobs.MAX_FINISHED + 1);
  assert.equal(s.order[0], 'run');
  assert.equal(s.order[1], `d${Jobs.MAX_FINISHED + 4}`);
  assert.equal(Jobs.dismiss(s, 'run'), s, 'running jobs cannot be dismissed');
  s = Jobs.dismiss(s, s.order[1]);
  assert.equal(s.order.length, Jobs.MAX_FINISHED);
  assert.equal(Jobs.reduce(s, { type: 'job.progress' }), s, 'events without a job are ignored');
});

test('badge sums chunks over running jobs', () => {
  let s = Jobs.emptyState();
  s = Jobs.reduce(s, { type: 'job.progress', job: 'a', stage: 'fetching', chunks_done: 10, chunks_total: 10 });
  s = Jobs.reduce(s, { type: 'job.progress', job: 'b', stage: 'fetching', chunks_done: 0, chunks_total: 30 });
  assert.equal(Jobs.badgeText(s), '25%');
});

test('a job waiting for a scheduled Space is active until it ends', () => {
  let s = Jobs.reduce(Jobs.emptyState(), { type: 'job.progress', job: 'w', stage: 'waiting',
    space: { id: '1kvJpvPLzRqGE', title: 'Soon', state: 'NotStarted', started_at: 1719597600000 } }, 1);
  assert.equal(s.jobs.w.stage, 'waiting');
  assert.equal(Jobs.isActive(s.jobs.w), true);
  assert.equal(s.jobs.w.space.started_at, 1719597600000);
  assert.equal(Jobs.badgeText(s), '…');
  assert.equal(Jobs.dismiss(s, 'w'), s, 'a waiting job cannot be dismissed');
  // The host restarted without it: not left spinning.
  assert.equal(Jobs.syncList(s, []).jobs.w.stage, 'failed');
  s = Jobs.reduce(s, { type: 'job.failed', job: 'w', code: 'cancelled' }, 2);
  assert.equal(Jobs.isActive(s.jobs.w), false);
});

test('a job.done with gaps keeps them and its warnings (the popup shows them)', () => {
  const ex = examples().find((e) => e.name === 'job.done.gaps.json');
  assert.ok(ex, 'protocol/testdata/messages/job.done.gaps.json');
  const s = Jobs.reduce(Jobs.emptyState(), ex.data, 1000);
  const j = s.jobs[ex.data.job];
  assert.equal(j.stage, 'done');
  assert.deepEqual(j.gaps, ex.data.gaps);
  assert.deepEqual(j.warnings, ex.data.warnings);
});

test('fetchAllJobs follows next until the last page, and takes an old host\'s single answer', async () => {
  const all = Array.from({ length: 250 }, (_, i) => ({ type: 'job.done', job: `j${i}`, stage: 'done', path: `/p/${i}.m4a` }));
  /** @type {any[]} */
  const asked = [];
  const paged = async (/** @type {any} */ p) => {
    asked.push(p);
    const start = p?.after ? all.findIndex((j) => j.job === p.after) + 1 : 0;
    const jobs = all.slice(start, start + 100);
    return start + 100 < all.length ? { jobs, next: jobs[jobs.length - 1].job } : { jobs };
  };
  const got = await Jobs.fetchAllJobs(paged);
  assert.deepEqual(got.map((j) => j.job), all.map((j) => j.job));
  assert.deepEqual(asked, [undefined, { after: 'j99' }, { after: 'j199' }]);
  const old = await Jobs.fetchAllJobs(async () => ({ jobs: all.slice(0, 3) }));
  assert.equal(old.length, 3);
});
