import type { Me } from '../../../protocol/auth';
import { useI18n } from '../i18n/i18n';

export function Greeting({ me }: { me: Me }) {
  const { t } = useI18n();
  return (
    <div className="greeting">
      <h1>{t('home.hello', { name: me.user.displayName })}</h1>
      <p>
        <span className="badge">{t(`role.${me.user.role}`)}</span> {t('home.organisation', { name: me.organisation.name })}
      </p>
    </div>
  );
}
