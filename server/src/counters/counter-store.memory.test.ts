import { describe } from 'vitest';
import { counterStoreContract, manualClock, T0 } from './counter-store.contract.js';
import { createMemoryCounterStore } from './memory-counter-store.js';

describe('memory counter store', () => {
  counterStoreContract(async () => {
    const clock = manualClock(T0);
    return { store: createMemoryCounterStore({ clock }), clock };
  });
});
