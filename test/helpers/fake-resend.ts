// The fake lives with the bench, which runs from the build and cannot reach test/; tests use the same one.
export { emailReceivedEvent, startFakeResend, type FakeEmail, type FakeReceivedEmail, type FakeResend } from '../../bench/fake-resend.js'
