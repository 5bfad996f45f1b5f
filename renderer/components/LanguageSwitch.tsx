import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from '../i18n';

/** Two large buttons rather than a dropdown: one tap with gloves on. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="segmented" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l.code}
          type="button"
          lang={l.code}
          title={l.label}
          aria-pressed={i18n.language === l.code}
          data-lang={l.code}
          onClick={() => setLanguage(l.code)}
        >
          {/* The name starts with what is shown ("EN"), so "click EN" works by voice, and goes on to say the language. */}
          {l.short}
          <span className="visually-hidden"> {l.label}</span>
        </button>
      ))}
    </div>
  );
}
