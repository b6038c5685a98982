import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookKey } from './standard-webhooks';

describe('Standard Webhooks signatures', () => {
  test('what signWebhook makes, the independent standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'turn.handled', data: { text: '你好 "quoted"' } });
    const headers = signWebhook(secret, 'msg_1', Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    // Another secret, another id or another body fails.
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('你好', 'hi'), headers)).toThrow();
  });

  test('the signature of a known example (the Standard Webhooks test vector)', () => {
    // From the Standard Webhooks specification's examples.
    const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  test('secrets: whsec_ and the base64 of 16 to 128 bytes', () => {
    expect(generateWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')?.length).toBe(24);
    expect(webhookKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeUndefined();
    expect(webhookKey('whsec_c2hvcnQ=')).toBeUndefined();
    expect(webhookKey('whsec_not base64!')).toBeUndefined();
    expect(() => signWebhook('plain', 'id', 1, '{}')).toThrow(/whsec_/);
  });
});
