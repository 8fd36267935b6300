/** A made-up test key: long enough to be findable if it ever leaks into a log, error or file. */
export const TEST_KEY = 'sk_test_51ConnectorSuiteKey0123456789abcdefXYZ';
