// The fake lives with the bench, which runs from the build and cannot reach test/; tests use the same one.
export { type FakeInboundText, type FakeText, type FakeTwilio, startFakeTwilio, twilioSignature } from '../../bench/fake-twilio.js'
