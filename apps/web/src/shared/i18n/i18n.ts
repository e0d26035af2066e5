import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * Every user-facing string comes from `src/locales/<lang>/<namespace>.json`, one namespace per feature. Files are
 * found by name at build time, so a feature adds its own file without touching this one.
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>('../../locales/*/*.json', { eager: true });

export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
/** The language choice only (never anything personal or a token) is remembered per browser. */
const STORAGE_KEY = 'lang';

const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, module] of Object.entries(files)) {
  const [, lang, ns] = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path)!;
  (resources[lang] ??= {})[ns] = module.default;
}

function storedLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

export function initI18n() {
  void i18next.use(initReactI18next).init({
    resources,
    lng: storedLanguage(),
    fallbackLng: 'ja',
    ns: Object.keys(resources.ja ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  i18next.on('languageChanged', (lang) => {
    document.documentElement.lang = lang;
  });
  return i18next;
}

export function setLanguage(lang: Language) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  void i18next.changeLanguage(lang);
}
