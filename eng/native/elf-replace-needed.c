/* Rewrites, in place, one DT_NEEDED name of an ELF64 shared object to a name no longer than the old one.
 * The name lives in .dynstr, which the version-needs table (.gnu.version_r) shares, so both change.
 * Usage: elf-replace-needed FILE OLD NEW. Exit 0 on success, 3 when OLD is not needed by FILE. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(const char *path, long *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END); *size = ftell(f); fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)*size);
    if (!buf || fread(buf, 1, (size_t)*size, f) != (size_t)*size) { fprintf(stderr, "%s: read failed\n", path); exit(2); }
    fclose(f);
    return buf;
}

static long vaddr_to_offset(const Elf64_Ehdr *eh, const unsigned char *buf, Elf64_Addr vaddr) {
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(buf + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && vaddr >= ph[i].p_vaddr && vaddr < ph[i].p_vaddr + ph[i].p_filesz)
            return (long)(vaddr - ph[i].p_vaddr + ph[i].p_offset);
    return -1;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s FILE OLD NEW\n", argv[0]); return 2; }
    const char *path = argv[1], *old_name = argv[2], *new_name = argv[3];
    if (strlen(new_name) > strlen(old_name)) { fprintf(stderr, "NEW must not be longer than OLD\n"); return 2; }
    long size; unsigned char *buf = slurp(path, &size);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
    if (size < (long)sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "%s: not an ELF64 file\n", path); return 2;
    }
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(buf + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn *)(buf + ph[i].p_offset);
    if (!dyn) { fprintf(stderr, "%s: no dynamic section\n", path); return 2; }
    long strtab = -1;
    for (const Elf64_Dyn *d = dyn; d->d_tag != DT_NULL; d++)
        if (d->d_tag == DT_STRTAB) strtab = vaddr_to_offset(eh, buf, d->d_un.d_ptr);
    if (strtab < 0) { fprintf(stderr, "%s: no string table\n", path); return 2; }
    int replaced = 0;
    for (const Elf64_Dyn *d = dyn; d->d_tag != DT_NULL; d++) {
        if (d->d_tag != DT_NEEDED) continue;
        char *name = (char *)buf + strtab + d->d_un.d_val;
        if (strcmp(name, old_name) == 0) {
            memset(name, 0, strlen(old_name));
            memcpy(name, new_name, strlen(new_name));
            replaced++;
        }
    }
    if (!replaced) { fprintf(stderr, "%s: does not need %s\n", path, old_name); return 3; }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, (size_t)size, f) != (size_t)size || fclose(f)) { perror(path); return 2; }
    return 0;
}
