package jp.kofuhub.tenants;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TenantHub.Postgres.class)
class TenantIsolationOnPostgresTest extends TenantScenarios {}
