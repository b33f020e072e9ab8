import { useCustomFields } from '@/features/custom-fields/api/get-custom-fields';

/** The label a deleted custom field had ("custom.budget" → "Budget"), for rules that still name it; else the id. */
export function useDeletedFieldName(): (fieldId: string) => string {
  const withDeleted = useCustomFields(true);
  const fields = withDeleted.data?.fields ?? [];
  return (fieldId) => fields.find((field) => `custom.${field.key}` === fieldId)?.label ?? fieldId;
}
