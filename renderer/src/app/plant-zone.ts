/**
 * The zone "plant time" means on this console: the plant's IANA zone as the host reports it in
 * health, so a wallboard in another zone, or a laptop on travel, shows the plant's clock. Until the
 * host has answered, the console's own zone stands in.
 */
let plantZone: string | undefined;

/** Called with each health report; an unknown or missing zone keeps the console's own. */
export function setPlantTimeZone(zone: string | undefined): void {
  if (zone === undefined || zone === plantZone) return;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    plantZone = zone;
  } catch {
    // A zone this browser's time-zone data lacks: the console's own clock is the best left.
  }
}

export function plantTimeZone(): string | undefined {
  return plantZone;
}

/** The zone to format a time in: UTC when the console is set to UTC, else the plant's. */
export function displayTimeZone(utc: boolean): string | undefined {
  return utc ? 'UTC' : plantZone;
}
