/** The scripted OpenAI-compatible server lives in scripts/ so benchmarks can use it too. */
export * from '../../scripts/bench/scripted-model';
