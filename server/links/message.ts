/**
 * The words of a sign-in link sent by SMS or e-mail. Like every text we send, it names no one — no worker, no
 * citizen, no department — and carries nothing but what the citizen needs: that this is their way in, and the link.
 */
export type MessageLanguage = 'da' | 'en' | 'sv';

const WORDS: Record<MessageLanguage, { subject: string; line: string }> = {
  da: { subject: 'Dit link til videosamtaler', line: 'Tryk på linket for at komme ind. Det virker én gang.' },
  en: { subject: 'Your link for video meetings', line: 'Tap the link to get in. It works once.' },
  sv: { subject: 'Din länk till videosamtal', line: 'Tryck på länken för att komma in. Den fungerar en gång.' },
};

export function signInLinkMessage(language: MessageLanguage, url: string): { subject: string; text: string } {
  const words = WORDS[language];
  return { subject: words.subject, text: `${words.line}\n${url}` };
}
