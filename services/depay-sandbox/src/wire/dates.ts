// The documents use two date formats: ISO 8601 with Z for callbacks and
// creation/update dates, "YYYY-MM-DD HH:MM:SS.ffffff" in statuses[]. Both UTC here.

export function isoDate(date: Date): string {
  return date.toISOString();
}

export function statusHistoryDate(date: Date): string {
  const iso = date.toISOString(); // 2025-03-21T20:01:30.948Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000`;
}
