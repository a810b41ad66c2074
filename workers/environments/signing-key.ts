/** The AES-GCM context that binds a webhook signing key's ciphertext to its environment. */
export const signingKeyContext = (environmentUuid: string) => `environment:${environmentUuid}:webhook_signing_key`;
