import type { TaskService } from './engine.ts';
import type { ProjectGate } from './project-gate.ts';

/** What the tools share. */
export interface GpuTasksContext {
  tasks: TaskService;
  gate: ProjectGate;
}
