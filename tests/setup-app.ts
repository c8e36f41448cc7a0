import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/react';

// The machine running tests may be busy: give findBy/waitFor more than the default second.
configure({ asyncUtilTimeout: 5000 });
