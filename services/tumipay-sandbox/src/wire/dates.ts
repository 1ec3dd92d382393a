// TumiPay writes dates as "YYYY-MM-DD HH:MM:SS" with no zone. The sandbox
// writes Lima time (UTC-05:00; Peru has no daylight saving), the local time of
// a Peruvian pay-in. One place, easy to change if TumiPay says otherwise.

const LIMA_OFFSET_MS = -5 * 60 * 60 * 1000;

export function tumipayDate(date: Date): string {
  const iso = new Date(date.getTime() + LIMA_OFFSET_MS).toISOString(); // 2025-10-15T17:58:36.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
