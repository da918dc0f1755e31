import { setUpTestStack } from '../support/global-setup';
import { localModelSkipped, SKIP_MESSAGE } from './skip';

/** The real stack with the local model server; installs and caches the model on first use. */
export default async function globalSetup(): Promise<void> {
  if (localModelSkipped()) {
    process.stderr.write(`\n[model tests] ${SKIP_MESSAGE}\n`);
    return;
  }
  await setUpTestStack({ localModel: true, label: 'model' });
}
