/** Vitest global setup: one Debian mosquitto for the test run. Tests read its URL with `inject('mosquittoUrl')`. */
import type { TestProject } from 'vitest/node';
import { startMosquitto } from '../support/mosquitto';

declare module 'vitest' {
  export interface ProvidedContext {
    mosquittoUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mosquitto = await startMosquitto();
  project.provide('mosquittoUrl', mosquitto.url);
  return () => mosquitto.stop();
}
