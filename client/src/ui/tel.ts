/** A written number as a tel: link: digits and a leading + only ("38 64 00 00" → tel:38640000, "+45 12 34 56 78"). */
export const telHref = (phone: string): string => `tel:${phone.replace(/[^0-9+]/g, '')}`;
