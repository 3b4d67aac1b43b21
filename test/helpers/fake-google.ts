// The fake lives with the bench, which runs from the build and cannot reach test/; tests use the same one.
export { startFakeGoogle, type FakeGoogle, type FakeGoogleOptions, type FakeGoogleRoute } from '../../bench/fake-google.js'
