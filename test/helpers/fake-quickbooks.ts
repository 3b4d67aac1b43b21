// The fake lives with the bench, which runs from the build and cannot reach test/; tests use the same one.
export { startFakeQuickBooks, type FakeQuickBooks, type FakeQuickBooksOptions } from '../../bench/fake-quickbooks.js'
