import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/;

/**
 * A `datetime-local` value as the manager reads wall-clock dates (`yyyy-MM-dd HH:mm:ss`, in
 * the trigger's time zone); undefined when blank.
 */
export function wallClockToWire(local: string): string | undefined {
  if (local.trim() === '') return undefined;
  const [day = '', time = ''] = local.trim().split('T');
  return `${day} ${time.length === 5 ? `${time}:00` : time}`;
}

/**
 * A date of a body or of a stored job as a `datetime-local` value in the trigger's zone (the
 * browser's when it names none): wall-clock text as it is, instants converted.
 */
export function wallClockFromWire(value: unknown, zone: string): string {
  if (typeof value === 'string' && WALL_CLOCK.test(value)) return value.replace(' ', 'T');
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  const instant = dayjs(value);
  if (!instant.isValid()) return '';
  try {
    return (zone ? instant.tz(zone) : instant).format('YYYY-MM-DDTHH:mm:ss');
  } catch {
    // An unknown zone: the browser's; the manager will name the zone as the problem.
    return instant.format('YYYY-MM-DDTHH:mm:ss');
  }
}
