declare module 'tz-lookup' {
  /** IANA time zone at a latitude/longitude; throws outside the valid range. */
  export default function tzlookup(latitude: number, longitude: number): string;
}
