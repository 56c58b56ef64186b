-- The nine default server settings of the reference (docs/protocol/data-model.md §4).
INSERT INTO server_settings (id, key, value, category, description) VALUES
    (gen_random_uuid(), 'app_name',                      '{"value": "d3chat"}',                               'general',      'Application name shown in the UI'),
    (gen_random_uuid(), 'app_description',               '{"value": "Federated end-to-end encrypted chat"}',  'general',      'Description shown on the login and register pages'),
    (gen_random_uuid(), 'session_timeout_days',          '{"value": 7}',                                      'security',     'Refresh-token lifetime in days'),
    (gen_random_uuid(), 'max_devices_per_user',          '{"value": 10}',                                     'security',     'Maximum number of devices per user'),
    (gen_random_uuid(), 'registration_mode',             '{"value": "open"}',                                 'registration', 'open, closed or invite_only'),
    (gen_random_uuid(), 'registration_domain_allowlist', '{"value": []}',                                     'registration', 'Allowed e-mail domains; empty allows all'),
    (gen_random_uuid(), 'brand_primary_color',           '{"value": "#3b82f6"}',                              'branding',     'Primary colour'),
    (gen_random_uuid(), 'brand_accent_color',            '{"value": "#10b981"}',                              'branding',     'Accent colour'),
    (gen_random_uuid(), 'message_retention_days',        '{"value": 0}',                                      'retention',    'Days to keep messages; 0 keeps them forever')
ON CONFLICT (key) DO NOTHING;
