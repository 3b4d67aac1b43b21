// The fake lives with the bench, which runs from the build and cannot reach test/; tests use the same one.
export {
  decodeForm,
  type FakeCard,
  type FakeStripe,
  type HeldResponse,
  signedDelivery,
  type StripeRequest,
  startFakeStripe,
  stripeEvent,
} from '../../bench/fake-stripe.js'
