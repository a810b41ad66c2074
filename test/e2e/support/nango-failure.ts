/** What a failed call of Nango's SDK (an axios error) carried back: status and body; 0 when it did not fail. */
export async function nangoFailure(call: Promise<unknown>): Promise<{ status: number; body: any }> {
  const err = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { response?: { status: number; data: unknown } } | undefined;
  return { status: err?.response?.status ?? 0, body: err?.response?.data };
}
