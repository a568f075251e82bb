// Personal data is masked for logs and for readers who do not need it (../domain.md "Privacy").

/** 13812345678 → 138****5678; short numbers keep only their last two digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  const digits = phone.replace(/\D/g, "");
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length === 0) return "****";
  return `****${digits.slice(-2)}`;
}

/** 李雷 → 李*, Han Meimei → H*********: keeps the first character only. */
export function maskName(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  const chars = Array.from(name.trim());
  if (chars.length === 0) return "";
  return `${chars[0]}${"*".repeat(Math.max(1, chars.length - 1))}`;
}

/**
 * Free text with the personal data a pattern can find masked: phone numbers and other long
 * digit runs (ID and bank card numbers), e-mail addresses. Names and street addresses in free
 * text cannot be found this way: text that may hold them goes only to roles that need it.
 */
export function maskFreeText(text: string): string {
  return text
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, "***@***")
    .replace(/\+?\d[\d -]{5,}\d/g, (run) => {
      const digits = run.replace(/\D/g, "");
      return digits.length >= 7 ? (maskPhone(digits) as string) : run;
    });
}
