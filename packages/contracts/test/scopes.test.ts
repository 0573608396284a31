import { describe, expect, it } from 'vitest';
import { ScopeSchema, scopeAllows } from '../src/index.ts';

describe('scopeAllows', () => {
  it('"*" grants every tool of every service', () => {
    expect(scopeAllows(['*'], 'brain', 'create_node')).toBe(true);
    expect(scopeAllows(['*'], 'story', 'develop_story')).toBe(true);
  });

  it('"svc:*" grants every tool of that service only', () => {
    expect(scopeAllows(['brain:*'], 'brain', 'create_node')).toBe(true);
    expect(scopeAllows(['brain:*'], 'story', 'develop_story')).toBe(false);
  });

  it('"svc:tool" grants that tool only', () => {
    expect(scopeAllows(['brain:get_node'], 'brain', 'get_node')).toBe(true);
    expect(scopeAllows(['brain:get_node'], 'brain', 'delete_node')).toBe(false);
    expect(scopeAllows(['brain:get_node'], 'story', 'get_node')).toBe(false);
    // No prefix matching of services or tools.
    expect(scopeAllows(['brai:get_node'], 'brain', 'get_node')).toBe(false);
    expect(scopeAllows(['brain:get'], 'brain', 'get_node')).toBe(false);
  });

  it('"svc:group" grants the tools that declare that group, and only of that service', () => {
    expect(scopeAllows(['brain:graph.read'], 'brain', 'get_node', 'graph.read')).toBe(true);
    expect(scopeAllows(['brain:graph.read'], 'brain', 'delete_node', 'graph.write')).toBe(false);
    expect(scopeAllows(['brain:graph.read'], 'brain', 'get_node')).toBe(false);
    expect(scopeAllows(['story:graph.read'], 'brain', 'get_node', 'graph.read')).toBe(false);
  });

  it('grants if any scope does, and nothing from no scopes', () => {
    expect(scopeAllows(['story:*', 'brain:get_node'], 'brain', 'get_node')).toBe(true);
    expect(scopeAllows([], 'brain', 'get_node')).toBe(false);
  });
});

describe('ScopeSchema', () => {
  it('accepts the four forms and refuses the rest', () => {
    for (const ok of ['*', 'brain:*', 'brain:get_node', 'gpu-tasks:submit_task', 'brain:graph.read']) {
      expect(ScopeSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['', 'brain', 'Brain:get', 'brain:', ':get', 'brain:get node', '**', 'brain:*:x']) {
      expect(ScopeSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('scopeAllows with malformed scopes', () => {
  it('never grants through a scope without a colon', () => {
    expect(scopeAllows(['echoe'], 'echo', 'e')).toBe(false);
    expect(scopeAllows(['brain'], 'brai', 'brain')).toBe(false);
  });
});
